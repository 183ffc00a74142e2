// Owning handles of librdkafka's C API, and a producer handle made from a configuration,
// for the load generators that drive librdkafka producers.
#pragma once

#include <librdkafka/rdkafka.h>

#include <map>
#include <memory>
#include <string>

#include "engine/status.h"

namespace ringlog::bench {

struct RdkafkaHandleDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
struct RdkafkaTopicDeleter {
  void operator()(rd_kafka_topic_t* topic) const { rd_kafka_topic_destroy(topic); }
};
using RdkafkaHandle = std::unique_ptr<rd_kafka_t, RdkafkaHandleDeleter>;
using RdkafkaTopic = std::unique_ptr<rd_kafka_topic_t, RdkafkaTopicDeleter>;

using RdkafkaDeliveryCallback = void (*)(rd_kafka_t*, const rd_kafka_message_t*, void*);

// A producer with the properties `config`, whose delivery reports go to `on_delivery` with
// `opaque` (which must outlive the handle). InvalidArgument naming the property librdkafka
// refuses, or rd_kafka_new's error.
Result<RdkafkaHandle> NewRdkafkaProducer(const std::map<std::string, std::string>& config,
                                         RdkafkaDeliveryCallback on_delivery, void* opaque);

}  // namespace ringlog::bench
