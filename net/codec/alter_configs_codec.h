// AlterConfigs (key 33), versions 0-1: an admin client replaces the configuration of
// topics or brokers (resource types as in describe_configs_codec.h). Neither version is
// flexible (AlterConfigs is flexible from v2), and v1 changes nothing on the wire.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/status.h"
#include "net/codec/wire_reader.h"
#include "net/codec/wire_writer.h"

namespace ringlog {

inline constexpr int16_t kAlterConfigsMinVersion = 0;
inline constexpr int16_t kAlterConfigsMaxVersion = 1;

struct AlterConfigsRequest {
  struct Config {
    std::string name;
    std::optional<std::string> value;

    bool operator==(const Config&) const = default;
  };

  struct Resource {
    int8_t resource_type = 0;
    std::string resource_name;
    std::vector<Config> configs;  // the whole new configuration of the resource

    bool operator==(const Resource&) const = default;
  };

  std::vector<Resource> resources;
  bool validate_only = false;

  bool operator==(const AlterConfigsRequest&) const = default;
};

struct AlterConfigsResponse {
  struct ResourceResult {
    int16_t error_code = 0;
    std::optional<std::string> error_message;
    int8_t resource_type = 0;
    std::string resource_name;

    bool operator==(const ResourceResult&) const = default;
  };

  int32_t throttle_time_ms = 0;
  std::vector<ResourceResult> responses;

  bool operator==(const AlterConfigsResponse&) const = default;
};

// Decoders return NotSupported for a version outside 0..kAlterConfigsMaxVersion and
// InvalidArgument for malformed or truncated input, and leave `reader` after the body.
// Encoders REQUIRE 0 <= version <= kAlterConfigsMaxVersion.
Result<AlterConfigsRequest> DecodeAlterConfigsRequest(WireReader& reader, int16_t version);
void EncodeAlterConfigsRequest(WireWriter& writer, const AlterConfigsRequest& request,
                               int16_t version);
void EncodeAlterConfigsResponse(WireWriter& writer, const AlterConfigsResponse& response,
                                int16_t version);
Result<AlterConfigsResponse> DecodeAlterConfigsResponse(WireReader& reader, int16_t version);

}  // namespace ringlog
