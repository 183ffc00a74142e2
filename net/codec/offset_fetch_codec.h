// OffsetFetch (API key 9): a consumer reads the offsets its group committed, for chosen
// partitions or (v2+) for every partition the group has committed.
//
// ringlog codes versions 0-7; v6 and v7 are flexible (compact strings and arrays, tagged
// fields after every struct). Fields by version:
//   v2  a null topic list asks for all topics; the response gains a top-level error code
//   v3  the response's throttle time
//   v5  a per-partition leader epoch in the response
//   v7  require_stable: wait out pending transactional commits
//
// Decoders return NotSupported for a version outside 0-7 and InvalidArgument for malformed
// or truncated input (including a null topic list below v2); encoders CHECK the version and
// that a null topic list is only encoded at v2+.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/status.h"
#include "net/codec/wire_reader.h"
#include "net/codec/wire_writer.h"

namespace ringlog {

inline constexpr int16_t kOffsetFetchMinVersion = 0;
inline constexpr int16_t kOffsetFetchMaxVersion = 7;
inline constexpr int16_t kOffsetFetchFirstFlexibleVersion = 6;
// The first version where a null topic list means "all topics".
inline constexpr int16_t kOffsetFetchFirstAllTopicsVersion = 2;

struct OffsetFetchRequest {
  struct Topic {
    std::string name;
    std::vector<int32_t> partition_indexes;

    bool operator==(const Topic&) const = default;
  };

  std::string group_id;
  std::optional<std::vector<Topic>> topics;  // nullopt (v2+) = every committed topic
  bool require_stable = false;               // v7+

  bool operator==(const OffsetFetchRequest&) const = default;
};

struct OffsetFetchResponse {
  struct Partition {
    int32_t partition_index = 0;
    int64_t committed_offset = -1;        // -1 when the group committed nothing here
    int32_t committed_leader_epoch = -1;  // v5+
    std::optional<std::string> metadata;
    int16_t error_code = 0;

    bool operator==(const Partition&) const = default;
  };
  struct Topic {
    std::string name;
    std::vector<Partition> partitions;

    bool operator==(const Topic&) const = default;
  };

  int32_t throttle_time_ms = 0;  // v3+
  std::vector<Topic> topics;
  int16_t error_code = 0;  // v2+: a group-level error

  bool operator==(const OffsetFetchResponse&) const = default;
};

Result<OffsetFetchRequest> DecodeOffsetFetchRequest(WireReader& reader, int16_t version);
void EncodeOffsetFetchRequest(WireWriter& writer, const OffsetFetchRequest& request,
                              int16_t version);
void EncodeOffsetFetchResponse(WireWriter& writer, const OffsetFetchResponse& response,
                               int16_t version);
Result<OffsetFetchResponse> DecodeOffsetFetchResponse(WireReader& reader, int16_t version);

}  // namespace ringlog
