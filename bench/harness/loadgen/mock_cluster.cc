#include "bench/harness/loadgen/mock_cluster.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

namespace ringlog::bench {

Result<std::unique_ptr<MockCluster>> MockCluster::Create(const std::string& topic, int partitions) {
  std::unique_ptr<MockCluster> mock(new MockCluster());
  char error[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  // The host client never connects anywhere; its warning about that is noise.
  if (rd_kafka_conf_set(conf, "log_level", "3", error, sizeof(error)) != RD_KAFKA_CONF_OK) {
    rd_kafka_conf_destroy(conf);
    return Status::IOError(std::string("mock client config: ") + error);
  }
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof(error));
  if (rk == nullptr) return Status::IOError(std::string("rd_kafka_new for the mock: ") + error);
  mock->handle_ = rk;
  rd_kafka_mock_cluster_t* cluster = rd_kafka_mock_cluster_new(rk, 1);
  if (cluster == nullptr) return Status::IOError("rd_kafka_mock_cluster_new failed");
  mock->cluster_ = cluster;
  mock->bootstrap_servers_ = rd_kafka_mock_cluster_bootstraps(cluster);
  const rd_kafka_resp_err_t err =
      rd_kafka_mock_topic_create(cluster, topic.c_str(), partitions, /*replication_factor=*/1);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::IOError("mock topic " + topic + ": " + rd_kafka_err2str(err));
  }
  return mock;
}

MockCluster::~MockCluster() {
  if (cluster_ != nullptr) {
    rd_kafka_mock_cluster_destroy(cluster_);
  }
  if (handle_ != nullptr) rd_kafka_destroy(handle_);
}

}  // namespace ringlog::bench
