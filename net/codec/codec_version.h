// The version bound every per-API codec checks before it reads a body: versions outside
// what the codec implements are refused as NotSupported (which the handler layer answers
// with UNSUPPORTED_VERSION), never parsed by guesswork.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/status.h"

namespace ringlog {

// OK when 0 <= version <= max_version, NotSupported naming `api` otherwise.
inline Status CheckCodecVersion(std::string_view api, int16_t version, int16_t max_version) {
  if (version >= 0 && version <= max_version) return Status::OK();
  return Status::NotSupported(std::string(api) + " version " + std::to_string(version) +
                              " is outside 0-" + std::to_string(max_version));
}

// OK when min_version <= version <= max_version, NotSupported naming `api` otherwise.
inline Status CheckCodecVersion(std::string_view api, int16_t version, int16_t min_version,
                                int16_t max_version) {
  if (version >= min_version && version <= max_version) return Status::OK();
  return Status::NotSupported(std::string(api) + " version " + std::to_string(version) +
                              " is outside " + std::to_string(min_version) + "-" +
                              std::to_string(max_version));
}

}  // namespace ringlog
