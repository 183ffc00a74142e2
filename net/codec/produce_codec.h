// Produce (key 0), versions 0-7: a producer's record batches for some partitions. None of
// these versions is flexible (Produce is flexible from v9). The codec decodes every
// version in range, including v0-v2 whose records are old-format message sets; refusing
// those is the handler's decision, not the codec's.
//
// Decoding copies no record bytes: each partition's records are a view into the request
// buffer plus their position in it, so that the owner of the buffer can rewrite batch
// headers (base offset, leader epoch) in place before storing them.
//
// The functions are pure: they read or write the body only (headers are separate).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "engine/status.h"
#include "net/codec/wire_reader.h"
#include "net/codec/wire_writer.h"

namespace ringlog {

inline constexpr int16_t kProduceMinVersion = 0;
inline constexpr int16_t kProduceMaxVersion = 7;

struct ProduceRequest {
  struct Partition {
    int32_t index = 0;
    // The record batches as sent; nullopt when the client sent null. After decoding this
    // views the reader's buffer, which must outlive it; for encoding it may view any
    // buffer that outlives the call.
    std::optional<std::span<const uint8_t>> records;
    // Set by decoding: the byte position of `records` in the WireReader's buffer, so that
    // a holder of that buffer as mutable bytes can address the batches in place.
    size_t records_position = 0;
  };

  struct Topic {
    std::string name;
    std::vector<Partition> partitions;
  };

  std::optional<std::string> transactional_id;  // v3+
  int16_t acks = -1;  // 0: no response at all; 1: the leader has it; -1: all replicas have it
  int32_t timeout_ms = 0;
  std::vector<Topic> topics;
};

struct ProduceResponse {
  struct Partition {
    int32_t index = 0;
    int16_t error_code = 0;
    int64_t base_offset = -1;
    int64_t log_append_time_ms = -1;  // v2+; -1 unless the topic uses LogAppendTime
    int64_t log_start_offset = -1;    // v5+

    bool operator==(const Partition&) const = default;
  };

  struct Topic {
    std::string name;
    std::vector<Partition> partitions;

    bool operator==(const Topic&) const = default;
  };

  std::vector<Topic> topics;
  int32_t throttle_time_ms = 0;  // v1+

  bool operator==(const ProduceResponse&) const = default;
};

// Decoders return NotSupported for a version outside 0..kProduceMaxVersion and InvalidArgument
// for malformed or truncated input, and leave `reader` after the body. Fields a version
// lacks keep their defaults. Encoders REQUIRE 0 <= version <= kProduceMaxVersion and drop
// fields the version lacks.
Result<ProduceRequest> DecodeProduceRequest(WireReader& reader, int16_t version);
void EncodeProduceRequest(WireWriter& writer, const ProduceRequest& request, int16_t version);
void EncodeProduceResponse(WireWriter& writer, const ProduceResponse& response, int16_t version);
Result<ProduceResponse> DecodeProduceResponse(WireReader& reader, int16_t version);

}  // namespace ringlog
