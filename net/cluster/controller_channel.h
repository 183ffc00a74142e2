// ControllerChannel: a blocking client for one Kafka request/response exchange with
// another broker, as a broker that is not the controller forwards topic administration
// to the one that is (ClusterView::ForwardToController). It writes the request frame
// after its 4-byte size and reads the size-prefixed response, all within one deadline.
//
// The connection to the last destination is kept for the next exchange; it is dropped on
// any error or timeout (so a late answer can never be taken for the next one's) and when
// the destination changes.
//
// Thread safety: thread-safe; exchanges run one at a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include "engine/status.h"

namespace ringlog {

class ControllerChannel {
 public:
  ControllerChannel() = default;
  ~ControllerChannel();
  ControllerChannel(const ControllerChannel&) = delete;
  ControllerChannel& operator=(const ControllerChannel&) = delete;

  // Sends `request_frame` (request header and body, without the size prefix) to
  // host:port and returns the response frame (without the size prefix), whose
  // correlation id must be the request's. Busy when the destination refuses, cannot be
  // reached, or does not answer within `timeout`; IOError when the connection breaks;
  // Corruption for a response that is not the request's; InvalidArgument for a frame
  // too short to hold a request header or a host that does not resolve.
  Result<std::string> Exchange(const std::string& host, int32_t port,
                               std::string_view request_frame, std::chrono::milliseconds timeout);

 private:
  using Deadline = std::chrono::steady_clock::time_point;

  // REQUIRES: mu_.
  Status ConnectLocked(const std::string& host, int32_t port, Deadline deadline);
  Result<std::string> ExchangeLocked(std::string_view request_frame, Deadline deadline);
  void CloseLocked();

  std::mutex mu_;
  int fd_ = -1;
  std::string host_;
  int32_t port_ = -1;
};

}  // namespace ringlog
