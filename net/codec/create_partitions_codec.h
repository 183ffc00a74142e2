// CreatePartitions (key 37), versions 0-1: an admin client raises the partition count of
// existing topics, optionally placing the new partitions' replicas. Neither version is
// flexible (CreatePartitions is flexible from v2), and v1 changes nothing on the wire.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/status.h"
#include "net/codec/wire_reader.h"
#include "net/codec/wire_writer.h"

namespace ringlog {

inline constexpr int16_t kCreatePartitionsMinVersion = 0;
inline constexpr int16_t kCreatePartitionsMaxVersion = 1;

struct CreatePartitionsRequest {
  struct Topic {
    std::string name;
    int32_t count = 0;  // the new total number of partitions
    // The replicas of each new partition, by broker id; nullopt lets the broker choose.
    std::optional<std::vector<std::vector<int32_t>>> assignments;

    bool operator==(const Topic&) const = default;
  };

  std::vector<Topic> topics;
  int32_t timeout_ms = 0;
  bool validate_only = false;

  bool operator==(const CreatePartitionsRequest&) const = default;
};

struct CreatePartitionsResponse {
  struct TopicResult {
    std::string name;
    int16_t error_code = 0;
    std::optional<std::string> error_message;

    bool operator==(const TopicResult&) const = default;
  };

  int32_t throttle_time_ms = 0;
  std::vector<TopicResult> results;

  bool operator==(const CreatePartitionsResponse&) const = default;
};

// Decoders return NotSupported for a version outside 0..kCreatePartitionsMaxVersion and
// InvalidArgument for malformed or truncated input, and leave `reader` after the body.
// Encoders REQUIRE 0 <= version <= kCreatePartitionsMaxVersion.
Result<CreatePartitionsRequest> DecodeCreatePartitionsRequest(WireReader& reader, int16_t version);
void EncodeCreatePartitionsRequest(WireWriter& writer, const CreatePartitionsRequest& request,
                                   int16_t version);
void EncodeCreatePartitionsResponse(WireWriter& writer, const CreatePartitionsResponse& response,
                                    int16_t version);
Result<CreatePartitionsResponse> DecodeCreatePartitionsResponse(WireReader& reader,
                                                                int16_t version);

}  // namespace ringlog
