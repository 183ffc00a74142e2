// MetricsServer: the HTTP endpoint Prometheus scrapes. GET /metrics answers 200 with what
// `render` returns (the text exposition format); any other path answers 404, any other
// method 405. The HTTP side is libmicrohttpd, on its own thread: a scrape never runs on an
// event loop, and `render` is called on that thread, one scrape at a time.
//
// Thread safety: Start and Stop from one thread; `render` must be thread-safe with respect
// to everything it reads.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "engine/status.h"

struct MHD_Daemon;

namespace ringlog {

class MetricsServer {
 public:
  using Render = std::function<std::string()>;

  explicit MetricsServer(Render render);
  // Stops the server if it runs.
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  // Listens on `host`:`port` (port 0: one the kernel picks; host: an IPv4 address or a
  // name that resolves to one). IOError when it cannot listen there, InvalidArgument for
  // an address that does not resolve. Call once.
  Status Start(const std::string& host, uint16_t port);
  // The port listened on; 0 before Start.
  uint16_t bound_port() const { return bound_port_; }
  void Stop();

  // The answer to one request, for the HTTP callback.
  struct Answer {
    unsigned status;
    std::string content_type;
    std::string body;
  };
  Answer Serve(const std::string& method, const std::string& path) const;

 private:
  const Render render_;
  MHD_Daemon* daemon_ = nullptr;
  uint16_t bound_port_ = 0;
};

}  // namespace ringlog
