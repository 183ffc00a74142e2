// Warnings caused by what a peer sent (a malformed frame, a request that cannot be served,
// a refused record batch) go through LogPeerWarning, which rate-limits them per peer
// address: a client that reconnects for every bad request is still one peer. Each peer
// host may write 10 such lines at once, then one a second; the next line after a
// suppression is preceded by
//
//   "<N> similar messages from <host> suppressed in the last <X>s"
//
// One limiter serves the whole process, as glog does.
//
// Thread safety: thread-safe.
#pragma once

#include <string_view>

namespace ringlog {

// The host part of a "host:port" or "[v6]:port" peer.
std::string_view PeerHost(std::string_view peer);

// Logs `message` at WARNING, attributed to the caller's file and line, unless `peer`'s host
// is over its budget. The builtins, not std::source_location: clang 14 (the fuzz build)
// cannot compile libstdc++ 12's <source_location>.
void LogPeerWarning(std::string_view peer, std::string_view message,
                    const char* file = __builtin_FILE(), int line = __builtin_LINE());

}  // namespace ringlog
