// ApiSpec: one Kafka API as this broker serves it — its version range, where flexible
// encoding starts, and the function that handles a request. net/apis/api_table.cc lists
// every ApiSpec once; dispatching and the ApiVersions response both come from that list,
// so what is advertised is exactly what is served.
#pragma once

#include <cstdint>
#include <limits>

#include "net/codec/api_key.h"

namespace ringlog {

class RequestContext;

// Handles one request whose version is inside the spec's range. Must answer through
// ctx.responder() exactly once, now or later (it may copy the Responder into callbacks).
using ApiHandler = void (*)(RequestContext& ctx);

inline constexpr int16_t kNeverFlexible = std::numeric_limits<int16_t>::max();

struct ApiSpec {
  ApiKey key;
  int16_t min_version;
  int16_t max_version;
  // The first flexible version (KIP-482), or kNeverFlexible.
  int16_t first_flexible_version;
  ApiHandler handle;

  bool IsFlexible(int16_t version) const { return version >= first_flexible_version; }
};

}  // namespace ringlog
