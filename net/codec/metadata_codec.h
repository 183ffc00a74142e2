// Metadata (key 3), versions 0-8: which brokers exist and which topics and partitions they
// lead. None of these versions is flexible (Metadata is flexible from v9).
//
// "Which topics" differs by version on the wire: in v0 an empty list asks for every
// topic; from v1 a null list asks for every topic and an empty list for none. The request
// struct hides this: `topics == nullopt` always means every topic. Encoding at v0 writes
// nullopt as an empty list; an empty vector cannot be expressed at v0 (it would ask for
// every topic), so it decodes back as nullopt.
//
// The functions are pure: they read or write the body only (headers are separate).
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "engine/status.h"
#include "net/codec/wire_reader.h"
#include "net/codec/wire_writer.h"

namespace ringlog {

inline constexpr int16_t kMetadataMinVersion = 0;
inline constexpr int16_t kMetadataMaxVersion = 8;

// Kafka's "authorized operations were not requested" marker (v8+).
inline constexpr int32_t kAuthorizedOperationsOmitted = std::numeric_limits<int32_t>::min();

struct MetadataRequest {
  // nullopt: every topic.
  std::optional<std::vector<std::string>> topics;
  bool allow_auto_topic_creation = true;               // v4+; older versions always may
  bool include_cluster_authorized_operations = false;  // v8+
  bool include_topic_authorized_operations = false;    // v8+

  bool operator==(const MetadataRequest&) const = default;
};

struct MetadataResponse {
  struct Broker {
    int32_t node_id = 0;
    std::string host;
    int32_t port = 0;
    std::optional<std::string> rack;  // v1+

    bool operator==(const Broker&) const = default;
  };

  struct Partition {
    int16_t error_code = 0;
    int32_t partition_index = 0;
    int32_t leader_id = 0;
    int32_t leader_epoch = -1;  // v7+
    std::vector<int32_t> replica_nodes;
    std::vector<int32_t> isr_nodes;
    std::vector<int32_t> offline_replicas;  // v5+

    bool operator==(const Partition&) const = default;
  };

  struct Topic {
    int16_t error_code = 0;
    std::string name;
    bool is_internal = false;  // v1+
    std::vector<Partition> partitions;
    int32_t topic_authorized_operations = kAuthorizedOperationsOmitted;  // v8+

    bool operator==(const Topic&) const = default;
  };

  int32_t throttle_time_ms = 0;  // v3+
  std::vector<Broker> brokers;
  std::optional<std::string> cluster_id;  // v2+
  int32_t controller_id = -1;             // v1+
  std::vector<Topic> topics;
  int32_t cluster_authorized_operations = kAuthorizedOperationsOmitted;  // v8+

  bool operator==(const MetadataResponse&) const = default;
};

// Decoders return NotSupported for a version outside 0..kMetadataMaxVersion and InvalidArgument
// for malformed or truncated input, and leave `reader` after the body. Fields a version
// lacks keep their defaults. Encoders REQUIRE 0 <= version <= kMetadataMaxVersion and
// drop fields the version lacks.
Result<MetadataRequest> DecodeMetadataRequest(WireReader& reader, int16_t version);
void EncodeMetadataRequest(WireWriter& writer, const MetadataRequest& request, int16_t version);
void EncodeMetadataResponse(WireWriter& writer, const MetadataResponse& response, int16_t version);
Result<MetadataResponse> DecodeMetadataResponse(WireReader& reader, int16_t version);

}  // namespace ringlog
