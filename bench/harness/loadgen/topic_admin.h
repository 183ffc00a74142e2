// Topic creation for the load generator, through the Kafka CreateTopics API (v4), so
// that a suite sets up its topics the way any Kafka admin client would.
#pragma once

#include <cstdint>
#include <string>

#include "bench/harness/loadgen/kafka_connection.h"
#include "engine/status.h"

namespace ringlog::bench {

// Creates `topic` with `partitions` partitions (replication factor 1) and waits for the
// broker's answer. `connection` must have nothing in flight. IOError when the broker
// answers with an error code (its number and message in the text).
Status CreateTopic(KafkaConnection& connection, const std::string& topic, int32_t partitions);

}  // namespace ringlog::bench
