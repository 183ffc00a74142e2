// One pass of a Fetch over the partitions it names: reads each partition from its fetch
// offset within the request's byte limits, and reports how much it found, so the Fetch
// handler can answer now or wait for more (net/apis/delayed_fetch.h).
//
// The limits, as Kafka applies them: each partition gets at most partition_max_bytes and
// the whole response at most max_bytes, except that the first batch of the response is
// always sent whole, however large, so a consumer can always make progress. A later
// partition whose first batch does not fit what is left gets no records this time.
// Batches are never cut: a read returns whole batches only.
//
// Old clients: Fetch v0-3 can only carry the old message formats (magic 0/1) and ringlog
// stores only magic 2; like Kafka with message down-conversion disabled (KIP-283), such a
// partition with data answers UNSUPPORTED_VERSION. Fetch below v10 cannot carry zstd
// (KIP-110): the zstd-free batches before the first zstd one are sent, and a partition
// that starts with a zstd batch answers UNSUPPORTED_COMPRESSION_TYPE.
//
// Replication: a fetch with a replica id (replica_id up to v14, replica_state from v15) is a
// follower's. Only the leader in a cluster serves it, and only to one of the partition's
// replicas (LeaderReplicas::OnFollowerFetch, which records the follower's progress); it
// reads up to the log end, where consumers read below the high watermark. A follower whose
// last fetched epoch (v12+) ends before its fetch offset in the leader's history gets
// diverging_epoch and no records, and truncates. A current_leader_epoch (v9+) older than
// the one served is FENCED_LEADER_EPOCH, a newer one UNKNOWN_LEADER_EPOCH; from v12 such
// errors and NOT_LEADER_OR_FOLLOWER name the current leader (current_leader).
//
// Transactions: a read_committed consumer (isolation_level 1, v4+) reads below the last
// stable offset and gets the aborted transactions among the records it is sent (an empty
// list with no records); a read_uncommitted one gets null. Every answer carries the last
// stable offset.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/log/log_manager.h"
#include "engine/types.h"
#include "net/broker/broker_services.h"
#include "net/codec/error_code.h"
#include "net/codec/fetch_codec.h"

namespace ringlog {

struct FetchPass {
  FetchResponse response;
  uint64_t record_bytes = 0;  // bytes of records in the response
  // Some partition answers now: with an error, or with a diverging epoch.
  bool has_error = false;
  // Per partition in request order, the end its read stopped at (FetchableEnd); -1 where
  // it answered an error. A long poll wakes when one of them moved.
  std::vector<Offset> seen_ends;
};

// The broker id of the replica sending `request`, or -1 for a consumer.
int32_t FetchingReplica(const FetchRequest& request, int16_t version);

// Where `replica` (-1: a consumer at `isolation_level`) reads `log` up to now: the log
// end, the high watermark, or (read_committed) the last stable offset.
Offset FetchableEnd(const PartitionLog& log, int32_t replica, int8_t isolation_level);

// From v13 a request names its topics by id: fills in each topic's name, or leaves it
// empty for an id no topic has (ReadFetch answers those UNKNOWN_TOPIC_ID).
void NameTopicsById(const LogManager& logs, FetchRequest& request, int16_t version);

// Thread-safe. The records in the response pin their segments until the response is
// dropped. In a cluster (`services.cluster` non-null) a partition this broker does not lead
// answers as net/apis/partition_route.h says.
FetchPass ReadFetch(const BrokerServices& services, const FetchRequest& request, int16_t version);

}  // namespace ringlog
