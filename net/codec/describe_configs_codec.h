// DescribeConfigs (key 32), versions 0-2: an admin client reads the configuration of
// topics or brokers. None of these versions is flexible (DescribeConfigs is flexible from
// v4).
//
// v0 marks each entry with is_default; v1 replaces that with config_source and adds
// synonyms (asked for with include_synonyms); v2 changes nothing on the wire.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/status.h"
#include "net/codec/wire_reader.h"
#include "net/codec/wire_writer.h"

namespace ringlog {

inline constexpr int16_t kDescribeConfigsMinVersion = 0;
inline constexpr int16_t kDescribeConfigsMaxVersion = 2;

// The resource types of DescribeConfigs and AlterConfigs that ringlog has.
inline constexpr int8_t kConfigResourceTopic = 2;
inline constexpr int8_t kConfigResourceBroker = 4;

struct DescribeConfigsRequest {
  struct Resource {
    int8_t resource_type = 0;
    std::string resource_name;
    std::optional<std::vector<std::string>> configuration_keys;  // nullopt: every key

    bool operator==(const Resource&) const = default;
  };

  std::vector<Resource> resources;
  bool include_synonyms = false;  // v1+

  bool operator==(const DescribeConfigsRequest&) const = default;
};

struct DescribeConfigsResponse {
  struct Synonym {
    std::string name;
    std::optional<std::string> value;
    int8_t source = 0;

    bool operator==(const Synonym&) const = default;
  };

  struct Entry {
    std::string name;
    std::optional<std::string> value;
    bool read_only = false;
    bool is_default = false;    // v0 only
    int8_t config_source = -1;  // v1+
    bool is_sensitive = false;
    std::vector<Synonym> synonyms;  // v1+

    bool operator==(const Entry&) const = default;
  };

  struct ResourceResult {
    int16_t error_code = 0;
    std::optional<std::string> error_message;
    int8_t resource_type = 0;
    std::string resource_name;
    std::vector<Entry> configs;

    bool operator==(const ResourceResult&) const = default;
  };

  int32_t throttle_time_ms = 0;
  std::vector<ResourceResult> results;

  bool operator==(const DescribeConfigsResponse&) const = default;
};

// Decoders return NotSupported for a version outside 0..kDescribeConfigsMaxVersion and
// InvalidArgument for malformed or truncated input, and leave `reader` after the body.
// Fields a version lacks keep their defaults. Encoders REQUIRE
// 0 <= version <= kDescribeConfigsMaxVersion and drop fields the version lacks.
Result<DescribeConfigsRequest> DecodeDescribeConfigsRequest(WireReader& reader, int16_t version);
void EncodeDescribeConfigsRequest(WireWriter& writer, const DescribeConfigsRequest& request,
                                  int16_t version);
void EncodeDescribeConfigsResponse(WireWriter& writer, const DescribeConfigsResponse& response,
                                   int16_t version);
Result<DescribeConfigsResponse> DecodeDescribeConfigsResponse(WireReader& reader, int16_t version);

}  // namespace ringlog
