// RdKafkaClient: the librdkafka handle the operator commands (topics, groups, produce,
// consume) speak the Kafka protocol through, and the one way they run an admin request:
// start it on a private queue and wait for its result event within the timeout.
//
// librdkafka's objects are C; these owners free them. Thread-compatible.
#pragma once

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/status.h"

namespace ringlog {

struct RdKafkaEventDeleter {
  void operator()(rd_kafka_event_t* event) const { rd_kafka_event_destroy(event); }
};
using RdKafkaEvent = std::unique_ptr<rd_kafka_event_t, RdKafkaEventDeleter>;

// Frees metadata from RdKafkaClient::Metadata.
struct RdKafkaMetadataDeleter {
  void operator()(const rd_kafka_metadata_t* metadata) const {
    rd_kafka_metadata_destroy(metadata);
  }
};
using RdKafkaMetadata = std::unique_ptr<const rd_kafka_metadata_t, RdKafkaMetadataDeleter>;

class RdKafkaClient {
 public:
  // A handle of `type` connected (lazily, as librdkafka does) to `bootstrap_servers`, with
  // `settings` (librdkafka property names) on top and `configure` run on the configuration
  // last (callbacks). InvalidArgument for a bad setting.
  static Result<std::unique_ptr<RdKafkaClient>> Create(
      rd_kafka_type_t type, const std::string& bootstrap_servers,
      const std::vector<std::pair<std::string, std::string>>& settings,
      std::chrono::milliseconds timeout,
      const std::function<void(rd_kafka_conf_t*)>& configure = nullptr);
  ~RdKafkaClient();
  RdKafkaClient(const RdKafkaClient&) = delete;
  RdKafkaClient& operator=(const RdKafkaClient&) = delete;

  rd_kafka_t* handle() const { return rk_; }
  std::chrono::milliseconds timeout() const { return timeout_; }

  // Runs one admin call: `start` gets options (with the timeout set) and the queue to post
  // its result to. Returns the result event; IOError when none comes within the timeout
  // (the brokers unreachable) or when the request as a whole failed.
  Result<RdKafkaEvent> Admin(
      const std::function<void(rd_kafka_AdminOptions_t*, rd_kafka_queue_t*)>& start);

  // The cluster's metadata, every topic (asking for one by name would create it on a broker
  // that auto-creates topics). IOError when the brokers cannot be reached in time.
  Result<RdKafkaMetadata> Metadata();

 private:
  RdKafkaClient(rd_kafka_t* rk, std::chrono::milliseconds timeout) : rk_(rk), timeout_(timeout) {}

  rd_kafka_t* const rk_;
  const std::chrono::milliseconds timeout_;
};

// "key=value,key=value" into pairs; InvalidArgument naming the item without a '='.
Result<std::vector<std::pair<std::string, std::string>>> ParseKeyValues(const std::string& text);
// "a,b,c" into its non-empty items.
std::vector<std::string> SplitList(const std::string& text);

}  // namespace ringlog
