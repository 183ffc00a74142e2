// CreateTopics (key 19), versions 0-4: an admin client creates topics, each with a
// partition count and replication factor (or an explicit replica assignment) and optional
// topic configs. None of these versions is flexible (CreateTopics is flexible from v5).
//
// v1 adds validate_only and the per-topic error message, v2 the throttle time; v3 and v4
// change nothing on the wire (v4 lets num_partitions and replication_factor be -1 for the
// broker's defaults).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/status.h"
#include "net/codec/wire_reader.h"
#include "net/codec/wire_writer.h"

namespace ringlog {

inline constexpr int16_t kCreateTopicsMinVersion = 0;
inline constexpr int16_t kCreateTopicsMaxVersion = 4;

struct CreateTopicsRequest {
  struct Assignment {
    int32_t partition_index = 0;
    std::vector<int32_t> broker_ids;

    bool operator==(const Assignment&) const = default;
  };

  struct Config {
    std::string name;
    std::optional<std::string> value;

    bool operator==(const Config&) const = default;
  };

  struct Topic {
    std::string name;
    int32_t num_partitions = -1;          // -1: the broker's default
    int16_t replication_factor = -1;      // -1: the broker's default
    std::vector<Assignment> assignments;  // empty unless the client places replicas
    std::vector<Config> configs;

    bool operator==(const Topic&) const = default;
  };

  std::vector<Topic> topics;
  int32_t timeout_ms = 60000;
  bool validate_only = false;  // v1+

  bool operator==(const CreateTopicsRequest&) const = default;
};

struct CreateTopicsResponse {
  struct TopicResult {
    std::string name;
    int16_t error_code = 0;
    std::optional<std::string> error_message;  // v1+

    bool operator==(const TopicResult&) const = default;
  };

  int32_t throttle_time_ms = 0;  // v2+
  std::vector<TopicResult> topics;

  bool operator==(const CreateTopicsResponse&) const = default;
};

// Decoders return NotSupported for a version outside 0..kCreateTopicsMaxVersion and
// InvalidArgument for malformed or truncated input, and leave `reader` after the body.
// Fields a version lacks keep their defaults. Encoders REQUIRE
// 0 <= version <= kCreateTopicsMaxVersion and drop fields the version lacks.
Result<CreateTopicsRequest> DecodeCreateTopicsRequest(WireReader& reader, int16_t version);
void EncodeCreateTopicsRequest(WireWriter& writer, const CreateTopicsRequest& request,
                               int16_t version);
void EncodeCreateTopicsResponse(WireWriter& writer, const CreateTopicsResponse& response,
                                int16_t version);
Result<CreateTopicsResponse> DecodeCreateTopicsResponse(WireReader& reader, int16_t version);

}  // namespace ringlog
