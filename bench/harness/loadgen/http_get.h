// HttpGet: one plain HTTP/1.0 GET over loopback TCP, for the suites that scrape the
// broker's /metrics endpoint the way Prometheus does (a new connection per scrape).
#pragma once

#include <string>

#include "engine/status.h"

namespace ringlog::bench {

struct HttpAnswer {
  int status = 0;    // the status line's code
  std::string body;  // after the headers
};

// IOError when the connection or the exchange fails, or the answer has no status line.
Result<HttpAnswer> HttpGet(const std::string& host, int port, const std::string& path);

}  // namespace ringlog::bench
