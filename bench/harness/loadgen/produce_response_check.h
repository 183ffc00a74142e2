// The load generator's check of a Produce (v7) response: every partition must have been
// stored. A benchmark that counted refused batches would report fiction.
#pragma once

#include <cstdint>
#include <span>

#include "engine/status.h"

namespace ringlog::bench {

// The Produce version every load-generator request uses.
inline constexpr int16_t kLoadgenProduceVersion = 7;

// `body` is a response body (after the correlation id). OK when every partition answered
// error code 0; IOError naming the partition and code otherwise; the decoder's error
// when the bytes do not decode.
Status CheckProduceResponse(std::span<const uint8_t> body);

}  // namespace ringlog::bench
