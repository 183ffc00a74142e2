// DeleteTopics (key 20), versions 0-3: an admin client deletes topics by name. None of
// these versions is flexible (DeleteTopics is flexible from v4). v1 adds the response's
// throttle time; v2 and v3 change nothing on the wire.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/status.h"
#include "net/codec/wire_reader.h"
#include "net/codec/wire_writer.h"

namespace ringlog {

inline constexpr int16_t kDeleteTopicsMinVersion = 0;
inline constexpr int16_t kDeleteTopicsMaxVersion = 3;

struct DeleteTopicsRequest {
  std::vector<std::string> topic_names;
  int32_t timeout_ms = 0;

  bool operator==(const DeleteTopicsRequest&) const = default;
};

struct DeleteTopicsResponse {
  struct TopicResult {
    std::string name;
    int16_t error_code = 0;

    bool operator==(const TopicResult&) const = default;
  };

  int32_t throttle_time_ms = 0;  // v1+
  std::vector<TopicResult> responses;

  bool operator==(const DeleteTopicsResponse&) const = default;
};

// Decoders return NotSupported for a version outside 0..kDeleteTopicsMaxVersion and
// InvalidArgument for malformed or truncated input, and leave `reader` after the body.
// Fields a version lacks keep their defaults. Encoders REQUIRE
// 0 <= version <= kDeleteTopicsMaxVersion and drop fields the version lacks.
Result<DeleteTopicsRequest> DecodeDeleteTopicsRequest(WireReader& reader, int16_t version);
void EncodeDeleteTopicsRequest(WireWriter& writer, const DeleteTopicsRequest& request,
                               int16_t version);
void EncodeDeleteTopicsResponse(WireWriter& writer, const DeleteTopicsResponse& response,
                                int16_t version);
Result<DeleteTopicsResponse> DecodeDeleteTopicsResponse(WireReader& reader, int16_t version);

}  // namespace ringlog
