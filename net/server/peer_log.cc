#include "net/server/peer_log.h"

#include <glog/logging.h>

#include <cstdio>

#include "engine/clock.h"
#include "net/server/log_rate_limiter.h"

namespace ringlog {
namespace {

LogRateLimiter& PeerLimiter() {
  // Never destroyed: loop threads may log until the process exits.
  static LogRateLimiter* const limiter =
      new LogRateLimiter(LogRateLimiter::Options(), SystemClock::Get());
  return *limiter;
}

}  // namespace

std::string_view PeerHost(std::string_view peer) {
  const size_t colon = peer.rfind(':');
  if (colon == std::string_view::npos || (peer.find(':') != colon && !peer.starts_with('['))) {
    return peer;  // no port, or a bare v6 address
  }
  return peer.substr(0, colon);
}

void LogPeerWarning(std::string_view peer, std::string_view message, const char* file, int line) {
  const std::string_view host = PeerHost(peer);
  const LogRateLimiter::Verdict verdict = PeerLimiter().Admit(host);
  if (!verdict.log) return;
  if (verdict.suppressed > 0) {
    char seconds[32];
    std::snprintf(seconds, sizeof(seconds), "%.1f",
                  static_cast<double>(verdict.suppressed_over_ms) / 1000.0);
    google::LogMessage(file, line, google::GLOG_WARNING).stream()
        << verdict.suppressed << " similar messages from "
        << (verdict.shared ? std::string_view("other peers") : host) << " suppressed in the last "
        << seconds << "s";
  }
  google::LogMessage(file, line, google::GLOG_WARNING).stream() << message;
}

}  // namespace ringlog
