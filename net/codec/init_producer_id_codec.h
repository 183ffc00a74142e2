// InitProducerId (key 22), versions 0-1: an idempotent or transactional producer asks for
// a producer id and epoch. Neither version is flexible (InitProducerId is flexible from
// v2), and v1 changes nothing on the wire.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "engine/status.h"
#include "net/codec/wire_reader.h"
#include "net/codec/wire_writer.h"

namespace ringlog {

inline constexpr int16_t kInitProducerIdMinVersion = 0;
inline constexpr int16_t kInitProducerIdMaxVersion = 1;

struct InitProducerIdRequest {
  std::optional<std::string> transactional_id;  // nullopt for an idempotent-only producer
  int32_t transaction_timeout_ms = 0;

  bool operator==(const InitProducerIdRequest&) const = default;
};

struct InitProducerIdResponse {
  int32_t throttle_time_ms = 0;
  int16_t error_code = 0;
  int64_t producer_id = -1;
  int16_t producer_epoch = 0;

  bool operator==(const InitProducerIdResponse&) const = default;
};

// Decoders return NotSupported for a version outside 0..kInitProducerIdMaxVersion and
// InvalidArgument for malformed or truncated input, and leave `reader` after the body.
// Encoders REQUIRE 0 <= version <= kInitProducerIdMaxVersion.
Result<InitProducerIdRequest> DecodeInitProducerIdRequest(WireReader& reader, int16_t version);
void EncodeInitProducerIdRequest(WireWriter& writer, const InitProducerIdRequest& request,
                                 int16_t version);
void EncodeInitProducerIdResponse(WireWriter& writer, const InitProducerIdResponse& response,
                                  int16_t version);
Result<InitProducerIdResponse> DecodeInitProducerIdResponse(WireReader& reader, int16_t version);

}  // namespace ringlog
