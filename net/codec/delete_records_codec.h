// DeleteRecords (key 21), versions 0-1: an admin client (or kafkajs) moves the log start
// offset of partitions forward, making earlier records unreadable. Neither version is
// flexible (DeleteRecords is flexible from v2), and v1 changes nothing on the wire.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/status.h"
#include "net/codec/wire_reader.h"
#include "net/codec/wire_writer.h"

namespace ringlog {

inline constexpr int16_t kDeleteRecordsMinVersion = 0;
inline constexpr int16_t kDeleteRecordsMaxVersion = 1;

struct DeleteRecordsRequest {
  struct Partition {
    int32_t partition_index = 0;
    int64_t offset = 0;  // records below it go; -1 means the high watermark

    bool operator==(const Partition&) const = default;
  };

  struct Topic {
    std::string name;
    std::vector<Partition> partitions;

    bool operator==(const Topic&) const = default;
  };

  std::vector<Topic> topics;
  int32_t timeout_ms = 0;

  bool operator==(const DeleteRecordsRequest&) const = default;
};

struct DeleteRecordsResponse {
  struct Partition {
    int32_t partition_index = 0;
    int64_t low_watermark = -1;  // the partition's log start offset afterwards
    int16_t error_code = 0;

    bool operator==(const Partition&) const = default;
  };

  struct Topic {
    std::string name;
    std::vector<Partition> partitions;

    bool operator==(const Topic&) const = default;
  };

  int32_t throttle_time_ms = 0;
  std::vector<Topic> topics;

  bool operator==(const DeleteRecordsResponse&) const = default;
};

// Decoders return NotSupported for a version outside 0..kDeleteRecordsMaxVersion and
// InvalidArgument for malformed or truncated input, and leave `reader` after the body.
// Encoders REQUIRE 0 <= version <= kDeleteRecordsMaxVersion.
Result<DeleteRecordsRequest> DecodeDeleteRecordsRequest(WireReader& reader, int16_t version);
void EncodeDeleteRecordsRequest(WireWriter& writer, const DeleteRecordsRequest& request,
                                int16_t version);
void EncodeDeleteRecordsResponse(WireWriter& writer, const DeleteRecordsResponse& response,
                                 int16_t version);
Result<DeleteRecordsResponse> DecodeDeleteRecordsResponse(WireReader& reader, int16_t version);

}  // namespace ringlog
