#include "net/broker/listen_address.h"

#include <charconv>

namespace ringlog {

Result<ListenAddress> ParseListenAddress(std::string_view text) {
  const auto bad = [text](std::string_view why) {
    return Status::InvalidArgument("listen address '" + std::string(text) +
                                   "': " + std::string(why) + " (want host:port)");
  };
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return bad("no port");
  std::string_view host = text.substr(0, colon);
  const std::string_view port = text.substr(colon + 1);
  if (!host.empty() && host.front() == '[') {
    if (host.size() < 2 || host.back() != ']') return bad("unmatched '['");
    host = host.substr(1, host.size() - 2);
  } else if (host.find_first_of("[]:") != std::string_view::npos) {
    return bad("an IPv6 host needs brackets");
  }
  unsigned value = 0;
  const auto [end, err] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || err != std::errc() || end != port.data() + port.size() || value > 65535) {
    return bad("the port must be a number from 0 to 65535");
  }
  return ListenAddress{std::string(host), static_cast<uint16_t>(value)};
}

}  // namespace ringlog
