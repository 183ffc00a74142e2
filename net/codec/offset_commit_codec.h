// OffsetCommit (API key 8): a consumer stores, per partition, the offset it will resume
// from, with optional metadata; the group coordinator keeps it for the group.
//
// ringlog codes versions 0-7, none flexible. Fields by version:
//   v1    generation id and member id; a per-partition commit timestamp (v1 only)
//   v2-4  a retention time for the whole request (gone again in v5)
//   v3    the response's throttle time
//   v6    a per-partition leader epoch
//   v7    static membership (group instance id)
//
// Decoders return NotSupported for a version outside 0-7 and InvalidArgument for malformed
// or truncated input; encoders CHECK the version (the dispatcher rejects others first).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/status.h"
#include "net/codec/wire_reader.h"
#include "net/codec/wire_writer.h"

namespace ringlog {

inline constexpr int16_t kOffsetCommitMinVersion = 0;
inline constexpr int16_t kOffsetCommitMaxVersion = 7;

struct OffsetCommitRequest {
  struct Partition {
    int32_t partition_index = 0;
    int64_t committed_offset = 0;
    int32_t committed_leader_epoch = -1;  // v6+
    int64_t commit_timestamp_ms = -1;     // v1 only
    std::optional<std::string> committed_metadata;

    bool operator==(const Partition&) const = default;
  };
  struct Topic {
    std::string name;
    std::vector<Partition> partitions;

    bool operator==(const Topic&) const = default;
  };

  std::string group_id;
  int32_t generation_id = -1;                    // v1+; -1 for a commit from outside the group
  std::string member_id;                         // v1+
  std::optional<std::string> group_instance_id;  // v7+
  int64_t retention_time_ms = -1;                // v2-4; -1 = the broker's default retention
  std::vector<Topic> topics;

  bool operator==(const OffsetCommitRequest&) const = default;
};

struct OffsetCommitResponse {
  struct Partition {
    int32_t partition_index = 0;
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

  bool operator==(const OffsetCommitResponse&) const = default;
};

Result<OffsetCommitRequest> DecodeOffsetCommitRequest(WireReader& reader, int16_t version);
void EncodeOffsetCommitRequest(WireWriter& writer, const OffsetCommitRequest& request,
                               int16_t version);
void EncodeOffsetCommitResponse(WireWriter& writer, const OffsetCommitResponse& response,
                                int16_t version);
Result<OffsetCommitResponse> DecodeOffsetCommitResponse(WireReader& reader, int16_t version);

}  // namespace ringlog
