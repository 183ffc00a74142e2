// The broker's --listen value: "host:port", "[ipv6]:port", or ":port" for every address.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/status.h"

namespace ringlog {

struct ListenAddress {
  std::string host;  // empty: every address
  uint16_t port = 0;
};

// InvalidArgument when there is no port, it is not a number in 0-65535, or the brackets
// of an IPv6 literal do not match.
Result<ListenAddress> ParseListenAddress(std::string_view text);

}  // namespace ringlog
