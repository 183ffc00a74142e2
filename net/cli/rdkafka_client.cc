#include "net/cli/rdkafka_client.h"

#include <sstream>

namespace ringlog {

Result<std::unique_ptr<RdKafkaClient>> RdKafkaClient::Create(
    rd_kafka_type_t type, const std::string& bootstrap_servers,
    const std::vector<std::pair<std::string, std::string>>& settings,
    std::chrono::milliseconds timeout, const std::function<void(rd_kafka_conf_t*)>& configure) {
  char error[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  std::vector<std::pair<std::string, std::string>> all = {
      {"bootstrap.servers", bootstrap_servers},
      // librdkafka logs connection failures to stderr itself; the command says what failed.
      {"log_level", "0"}};
  all.insert(all.end(), settings.begin(), settings.end());
  for (const auto& [name, value] : all) {
    if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), error, sizeof error) !=
        RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      return Status::InvalidArgument(name + "=" + value + ": " + error);
    }
  }
  if (configure) configure(conf);
  rd_kafka_t* rk = rd_kafka_new(type, conf, error, sizeof error);  // owns conf on success
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    return Status::InvalidArgument(std::string("cannot create a Kafka client: ") + error);
  }
  return std::unique_ptr<RdKafkaClient>(new RdKafkaClient(rk, timeout));
}

RdKafkaClient::~RdKafkaClient() { rd_kafka_destroy(rk_); }

Result<RdKafkaEvent> RdKafkaClient::Admin(
    const std::function<void(rd_kafka_AdminOptions_t*, rd_kafka_queue_t*)>& start) {
  rd_kafka_queue_t* queue = rd_kafka_queue_new(rk_);
  rd_kafka_AdminOptions_t* options = rd_kafka_AdminOptions_new(rk_, RD_KAFKA_ADMIN_OP_ANY);
  char error[512];
  rd_kafka_AdminOptions_set_request_timeout(options, static_cast<int>(timeout_.count()), error,
                                            sizeof error);
  start(options, queue);
  // librdkafka answers by the request timeout itself; the margin only guards against a lost
  // event.
  RdKafkaEvent event(rd_kafka_queue_poll(queue, static_cast<int>(timeout_.count()) + 5000));
  rd_kafka_AdminOptions_destroy(options);
  rd_kafka_queue_destroy(queue);
  if (event == nullptr) return Status::IOError("no answer from the cluster in time");
  if (rd_kafka_event_error(event.get()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::IOError(rd_kafka_event_error_string(event.get()));
  }
  return event;
}

Result<RdKafkaMetadata> RdKafkaClient::Metadata() {
  const rd_kafka_metadata_t* metadata = nullptr;
  const rd_kafka_resp_err_t error =
      rd_kafka_metadata(rk_, 1, nullptr, &metadata, static_cast<int>(timeout_.count()));
  if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::IOError(std::string("metadata: ") + rd_kafka_err2str(error));
  }
  return RdKafkaMetadata(metadata);
}

Result<std::vector<std::pair<std::string, std::string>>> ParseKeyValues(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const std::string& item : SplitList(text)) {
    const size_t equals = item.find('=');
    if (equals == std::string::npos || equals == 0) {
      return Status::InvalidArgument("'" + item + "' is not key=value");
    }
    pairs.emplace_back(item.substr(0, equals), item.substr(equals + 1));
  }
  return pairs;
}

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (!item.empty()) items.push_back(item);
  }
  return items;
}

}  // namespace ringlog
