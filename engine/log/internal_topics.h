// Topics the broker keeps for itself. They are ordinary LogManager topics (so that
// recovery, flushing and retention treat them like any other), but clients see them
// marked internal in Metadata and may not delete them.
#pragma once

#include <string_view>

namespace ringlog {

// The committed offsets of every consumer group (engine/group/offset_store.h), as Kafka names it.
inline constexpr std::string_view kConsumerOffsetsTopic = "__consumer_offsets";

// Every transactional id's state (engine/txn/txn_state_store.h), as Kafka names it.
inline constexpr std::string_view kTransactionStateTopic = "__transaction_state";

inline bool IsInternalTopic(std::string_view topic) {
  return topic == kConsumerOffsetsTopic || topic == kTransactionStateTopic;
}

}  // namespace ringlog
