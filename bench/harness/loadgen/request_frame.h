// Request frames as the load generator sends them: a 4-byte size prefix, a non-flexible
// request header (v1) and a body, in one contiguous buffer. Encoding happens once per
// kind of request; a sender patches the correlation id in place before each send, so the
// steady-state cost of a request is a 4-byte store.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "net/codec/api_key.h"
#include "net/codec/wire_writer.h"

namespace ringlog::bench {

// Byte position of the correlation id in a frame: after size (4), api_key (2), version (2).
inline constexpr size_t kFrameCorrelationIdPos = 8;
// The client id every load-generator request carries.
inline constexpr char kLoadgenClientId[] = "ringlog-bench";

// The whole frame (size prefix included) of a request whose body `encode_body` writes,
// with correlation id 0: request header v1, or v2 (with its empty tagged fields) when
// `flexible_header`, as the API version needs.
std::string EncodeRequestFrame(ApiKey api_key, int16_t version,
                               const std::function<void(WireWriter&)>& encode_body,
                               bool flexible_header = false);

// Bytes of the frame's header (size prefix included), i.e. where the body starts.
// REQUIRES: a frame with a v1 (not flexible) header.
size_t FrameBodyPosition(std::span<const uint8_t> frame);

}  // namespace ringlog::bench
