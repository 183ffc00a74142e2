// How the data-path handlers (Metadata, Produce) find a topic: an existing one, or a new
// one created on first use when the broker's auto.create.topics.enable and the request
// both allow it, with the broker's num.partitions, as Kafka does.
#pragma once

#include <cstdint>
#include <string_view>

#include "net/broker/broker_services.h"
#include "net/codec/error_code.h"

namespace ringlog {

struct TopicLookup {
  // kNone with the topic's partition count; kInvalidTopicException for an illegal name;
  // kUnknownTopicOrPartition when it does not exist and was not created; the storage
  // error when creating it failed.
  ErrorCode error = ErrorCode::kNone;
  int32_t partitions = 0;
};

// Thread-safe; concurrent lookups of one new topic create it once.
TopicLookup FindOrCreateTopic(BrokerServices& services, std::string_view name,
                              bool request_allows_creation);

}  // namespace ringlog
