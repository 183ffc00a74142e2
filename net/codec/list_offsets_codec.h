// ListOffsets (key 2), versions 0-3: the offset of each asked-for partition at a point in
// time, or at its start or end. None of these versions is flexible (ListOffsets is
// flexible from v6).
//
// Version 0 answers with a list of "old style" offsets (at most max_num_offsets of them);
// from v1 each partition carries exactly one timestamp and offset. v2 adds the isolation
// level (read committed asks for the last stable offset) and the throttle time.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/status.h"
#include "net/codec/wire_reader.h"
#include "net/codec/wire_writer.h"

namespace ringlog {

inline constexpr int16_t kListOffsetsMinVersion = 0;
inline constexpr int16_t kListOffsetsMaxVersion = 3;

// The timestamps with special meaning in a request.
inline constexpr int64_t kListOffsetsLatestTimestamp = -1;    // the high watermark (or LSO)
inline constexpr int64_t kListOffsetsEarliestTimestamp = -2;  // the log start offset

struct ListOffsetsRequest {
  struct Partition {
    int32_t partition_index = 0;
    int64_t timestamp = kListOffsetsLatestTimestamp;
    int32_t max_num_offsets = 1;  // v0 only

    bool operator==(const Partition&) const = default;
  };

  struct Topic {
    std::string name;
    std::vector<Partition> partitions;

    bool operator==(const Topic&) const = default;
  };

  int32_t replica_id = -1;     // -1 for consumers
  int8_t isolation_level = 0;  // v2+; 0 read uncommitted, 1 read committed
  std::vector<Topic> topics;

  bool operator==(const ListOffsetsRequest&) const = default;
};

struct ListOffsetsResponse {
  struct Partition {
    int32_t partition_index = 0;
    int16_t error_code = 0;
    std::vector<int64_t> old_style_offsets;  // v0 only
    int64_t timestamp = -1;                  // v1+
    int64_t offset = -1;                     // v1+

    bool operator==(const Partition&) const = default;
  };

  struct Topic {
    std::string name;
    std::vector<Partition> partitions;

    bool operator==(const Topic&) const = default;
  };

  int32_t throttle_time_ms = 0;  // v2+
  std::vector<Topic> topics;

  bool operator==(const ListOffsetsResponse&) const = default;
};

// Decoders return NotSupported for a version outside 0..kListOffsetsMaxVersion and
// InvalidArgument for malformed or truncated input, and leave `reader` after the body.
// Fields a version lacks keep their defaults. Encoders REQUIRE
// 0 <= version <= kListOffsetsMaxVersion and drop fields the version lacks.
Result<ListOffsetsRequest> DecodeListOffsetsRequest(WireReader& reader, int16_t version);
void EncodeListOffsetsRequest(WireWriter& writer, const ListOffsetsRequest& request,
                              int16_t version);
void EncodeListOffsetsResponse(WireWriter& writer, const ListOffsetsResponse& response,
                               int16_t version);
Result<ListOffsetsResponse> DecodeListOffsetsResponse(WireReader& reader, int16_t version);

}  // namespace ringlog
