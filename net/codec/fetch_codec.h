// Fetch (key 1), versions 0-11: a consumer (or follower) asks for record batches from some
// partitions, starting at given offsets. None of these versions is flexible (Fetch is
// flexible from v12).
//
// The response is where zero-copy happens: each partition's records are an engine
// ReadResult, and encoding appends it to an OutboundFrame as its own part (a file slice
// stays a reference into the segment file), so encoding costs only the headers around
// the records. Decoding, for tests and the load generator, returns the records as bytes.
//
// Version notes: v3 adds the request's total max_bytes, v4 isolation level plus the
// response's last stable offset and aborted transactions (nullable), v5 log start
// offsets, v7 fetch sessions (session id/epoch, forgotten topics, a top-level error), v9
// the current leader epoch, v11 the rack id and the preferred read replica.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "engine/log/read_result.h"
#include "engine/status.h"
#include "net/codec/wire_reader.h"
#include "net/codec/wire_writer.h"
#include "net/server/outbound_frame.h"

namespace ringlog {

inline constexpr int16_t kFetchMinVersion = 0;
inline constexpr int16_t kFetchMaxVersion = 11;

struct FetchRequest {
  struct Partition {
    int32_t partition = 0;
    int32_t current_leader_epoch = -1;  // v9+
    int64_t fetch_offset = 0;
    int64_t log_start_offset = -1;  // v5+; only followers set it
    int32_t partition_max_bytes = 0;

    bool operator==(const Partition&) const = default;
  };

  struct Topic {
    std::string topic;
    std::vector<Partition> partitions;

    bool operator==(const Topic&) const = default;
  };

  // Partitions to drop from an incremental fetch session.
  struct ForgottenTopic {
    std::string topic;
    std::vector<int32_t> partitions;

    bool operator==(const ForgottenTopic&) const = default;
  };

  int32_t replica_id = -1;  // -1 for consumers
  int32_t max_wait_ms = 0;
  int32_t min_bytes = 0;
  int32_t max_bytes = std::numeric_limits<int32_t>::max();  // v3+
  int8_t isolation_level = 0;  // v4+; 0 read uncommitted, 1 read committed
  int32_t session_id = 0;      // v7+
  int32_t session_epoch = -1;  // v7+
  std::vector<Topic> topics;
  std::vector<ForgottenTopic> forgotten_topics;  // v7+
  std::string rack_id;                           // v11+

  bool operator==(const FetchRequest&) const = default;
};

struct FetchResponse {
  struct AbortedTransaction {
    int64_t producer_id = 0;
    int64_t first_offset = 0;

    bool operator==(const AbortedTransaction&) const = default;
  };

  struct Partition {
    int32_t partition_index = 0;
    int16_t error_code = 0;
    int64_t high_watermark = -1;
    int64_t last_stable_offset = -1;  // v4+
    int64_t log_start_offset = -1;    // v5+
    // v4+; nullopt encodes as a null array, as Kafka answers read-uncommitted fetches.
    std::optional<std::vector<AbortedTransaction>> aborted_transactions;
    int32_t preferred_read_replica = -1;  // v11+
    // The batches to send. Decoding fills `records.data` with the bytes received (a null
    // records field decodes as empty) and leaves the offsets at 0.
    ReadResult records;
  };

  struct Topic {
    std::string topic;
    std::vector<Partition> partitions;
  };

  int32_t throttle_time_ms = 0;  // v1+
  int16_t error_code = 0;        // v7+
  int32_t session_id = 0;        // v7+
  std::vector<Topic> topics;
};

// Decoders return NotSupported for a version outside 0..kFetchMaxVersion and InvalidArgument
// for malformed or truncated input, and leave `reader` after the body. Fields a version
// lacks keep their defaults. Encoders REQUIRE 0 <= version <= kFetchMaxVersion and drop
// fields the version lacks.
Result<FetchRequest> DecodeFetchRequest(WireReader& reader, int16_t version);
void EncodeFetchRequest(WireWriter& writer, const FetchRequest& request, int16_t version);

// Appends the response body to `frame` (after whatever it holds, normally the response
// header). A partition's file-slice records become a part of their own that shares the
// ReadResult's pin, so they are never read here; owned record bytes are copied once.
void EncodeFetchResponse(OutboundFrame& frame, const FetchResponse& response, int16_t version);
Result<FetchResponse> DecodeFetchResponse(WireReader& reader, int16_t version);

}  // namespace ringlog
