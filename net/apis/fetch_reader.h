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
#pragma once

#include <cstdint>

#include "engine/log/log_manager.h"
#include "net/cluster/cluster_view.h"
#include "net/codec/error_code.h"
#include "net/codec/fetch_codec.h"

namespace ringlog {

struct FetchPass {
  FetchResponse response;
  uint64_t record_bytes = 0;  // bytes of records in the response
  bool has_error = false;     // some partition answers with an error
};

// From v13 a request names its topics by id: fills in each topic's name, or leaves it
// empty for an id no topic has (ReadFetch answers those UNKNOWN_TOPIC_ID).
void NameTopicsById(const LogManager& logs, FetchRequest& request, int16_t version);

// Thread-safe (reads only). The records in the response pin their segments until the
// response is dropped. In a cluster (`cluster` non-null) a partition this broker does not
// lead answers as net/apis/partition_route.h says.
FetchPass ReadFetch(const LogManager& logs, const ClusterView* cluster, const FetchRequest& request,
                    int16_t version);

}  // namespace ringlog
