#include "net/cli/produce_command.h"

#include <chrono>
#include <cstdio>
#include <memory>

#include "net/cli/cli_flags.h"
#include "net/cli/rdkafka_client.h"

DECLARE_string(bootstrap_server);
DECLARE_int32(request_timeout_ms);
DECLARE_string(topic);
DEFINE_string(key_separator, "",
              "produce: a line is key<separator>value (empty: the line is the value, no key)");
DEFINE_string(headers, "", "produce: headers of every record, key=value,key=value");
DEFINE_int32(partition, -1, "produce, consume: only this partition (-1: all / the partitioner)");
DEFINE_string(acks, "all", "produce: acks, as the producer config (0, 1, all)");

namespace ringlog {
namespace {

struct Delivery {
  uint64_t failed = 0;
};

void OnDelivery(rd_kafka_t* /*rk*/, const rd_kafka_message_t* message, void* opaque) {
  if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) return;
  ++static_cast<Delivery*>(opaque)->failed;
  std::fprintf(stderr, "ringlog produce: a record was not written: %s\n",
               rd_kafka_err2str(message->err));
}

}  // namespace

ProduceOptions ProduceOptionsFromFlags() {
  return ProduceOptions{.bootstrap_server = FLAGS_bootstrap_server,
                        .topic = FLAGS_topic,
                        .key_separator = FLAGS_key_separator,
                        .headers = FLAGS_headers,
                        .partition = FLAGS_partition,
                        .acks = FLAGS_acks,
                        .request_timeout_ms = FLAGS_request_timeout_ms};
}

std::vector<gflags::CommandLineFlagInfo> ProduceFlags() {
  return FlagsOfCommand(__FILE__, {"bootstrap_server", "request_timeout_ms", "topic"});
}

std::string ProduceUsage() {
  return "usage: ringlog produce --topic=T [--key_separator=S] [--headers=k=v,..] "
         "[--partition=P] < lines\n"
         "\n"
         "writes one record per line of stdin and waits until all are acknowledged.\n"
         "Exit codes: 0 all written, 1 a record failed, 2 bad usage.\n";
}

int RunProduce(const ProduceOptions& options, FILE* in) {
  if (options.topic.empty()) {
    std::fprintf(stderr, "ringlog produce: needs --topic (ringlog produce --help)\n");
    return 2;
  }
  Result<std::vector<std::pair<std::string, std::string>>> headers =
      ParseKeyValues(options.headers);
  if (!headers.ok()) {
    std::fprintf(stderr, "ringlog produce: --headers: %s\n", headers.status().message().c_str());
    return 2;
  }
  Delivery delivery;
  Result<std::unique_ptr<RdKafkaClient>> client = RdKafkaClient::Create(
      RD_KAFKA_PRODUCER, options.bootstrap_server,
      {{"acks", options.acks}, {"message.timeout.ms", std::to_string(options.request_timeout_ms)}},
      std::chrono::milliseconds(options.request_timeout_ms), [&](rd_kafka_conf_t* conf) {
        rd_kafka_conf_set_opaque(conf, &delivery);
        rd_kafka_conf_set_dr_msg_cb(conf, OnDelivery);
      });
  if (!client.ok()) {
    std::fprintf(stderr, "ringlog produce: %s\n", client.status().message().c_str());
    return 2;
  }
  rd_kafka_t* rk = (*client)->handle();
  char* line = nullptr;
  size_t capacity = 0;
  ssize_t length = 0;
  uint64_t sent = 0;
  while ((length = getline(&line, &capacity, in)) >= 0) {
    std::string text(line, static_cast<size_t>(length));
    if (!text.empty() && text.back() == '\n') text.pop_back();
    std::string key;
    bool has_key = false;
    if (!options.key_separator.empty()) {
      const size_t at = text.find(options.key_separator);
      if (at != std::string::npos) {
        key = text.substr(0, at);
        text.erase(0, at + options.key_separator.size());
        has_key = true;
      }
    }
    rd_kafka_headers_t* record_headers = rd_kafka_headers_new(headers->size());
    for (const auto& [name, value] : *headers) {
      rd_kafka_header_add(record_headers, name.c_str(), static_cast<ssize_t>(name.size()),
                          value.data(), static_cast<ssize_t>(value.size()));
    }
    rd_kafka_resp_err_t error;
    while (true) {
      error = rd_kafka_producev(
          rk, RD_KAFKA_V_TOPIC(options.topic.c_str()), RD_KAFKA_V_PARTITION(options.partition),
          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_VALUE(text.data(), text.size()),
          RD_KAFKA_V_KEY(has_key ? key.data() : nullptr, has_key ? key.size() : 0),
          RD_KAFKA_V_HEADERS(record_headers), RD_KAFKA_V_END);
      if (error != RD_KAFKA_RESP_ERR__QUEUE_FULL) break;
      rd_kafka_poll(rk, 100);  // the local queue is full: let deliveries drain it
    }
    if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
      rd_kafka_headers_destroy(record_headers);  // owned by the record only on success
      std::fprintf(stderr, "ringlog produce: %s\n", rd_kafka_err2str(error));
      ++delivery.failed;
      break;
    }
    ++sent;
    rd_kafka_poll(rk, 0);
  }
  free(line);
  if (rd_kafka_flush(rk, options.request_timeout_ms + 5000) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    std::fprintf(stderr, "ringlog produce: records still unacknowledged at the timeout\n");
    return 1;
  }
  if (delivery.failed > 0) return 1;
  std::fprintf(stderr, "ringlog produce: %llu records written\n",
               static_cast<unsigned long long>(sent));
  return 0;
}

}  // namespace ringlog
