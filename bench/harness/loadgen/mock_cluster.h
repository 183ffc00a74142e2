// MockCluster: librdkafka's in-memory mock Kafka cluster (rdkafka_mock.h), the yardstick
// of the librdkafka suite: whatever rate a librdkafka producer reaches against it is
// the client's own limit on this machine, with no storage behind the broker.
//
// Thread-compatible. The cluster's brokers run on librdkafka's threads until destruction.
#pragma once

#include <memory>
#include <string>

#include "engine/status.h"

// librdkafka's handle types (rdkafka.h, rdkafka_mock.h), so that this header does not
// pull librdkafka into its includers.
struct rd_kafka_s;
struct rd_kafka_mock_cluster_s;

namespace ringlog::bench {

class MockCluster {
 public:
  // A one-broker cluster holding `topic` with `partitions` partitions. IOError when
  // librdkafka cannot create it.
  static Result<std::unique_ptr<MockCluster>> Create(const std::string& topic, int partitions);

  ~MockCluster();
  MockCluster(const MockCluster&) = delete;
  MockCluster& operator=(const MockCluster&) = delete;

  // "host:port,..." for a client's bootstrap.servers.
  const std::string& bootstrap_servers() const { return bootstrap_servers_; }

 private:
  MockCluster() = default;

  // The cluster lives on a client instance of its own.
  rd_kafka_s* handle_ = nullptr;
  rd_kafka_mock_cluster_s* cluster_ = nullptr;
  std::string bootstrap_servers_;
};

}  // namespace ringlog::bench
