// Topic creation for the load generator, through the Kafka CreateTopics API (v4), so
// that a suite sets up its topics the way any Kafka admin client would.
#pragma once

#include <cstdint>
#include <string>

#include "bench/harness/loadgen/kafka_connection.h"
#include "engine/status.h"

namespace ringlog::bench {

// Creates `topic` with `partitions` partitions of `replication_factor` replicas each and
// waits for the broker's answer (in a cluster, the controller's, which the broker forwards).
// `connection` must have nothing in flight. IOError when the broker answers with an error code (its
// number and message in the text).
Status CreateTopic(KafkaConnection& connection, const std::string& topic, int32_t partitions,
                   int16_t replication_factor = 1);

}  // namespace ringlog::bench
