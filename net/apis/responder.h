// Responder: sends the one response a request gets. Cheap to copy, so a handler that
// answers later (a fetch waiting for data, a produce waiting for its flush) keeps a copy
// in its callback. Thread-safe: it may answer from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "net/codec/wire_writer.h"
#include "net/server/outbound_frame.h"
#include "net/server/request_handler.h"

namespace ringlog {

class Responder {
 public:
  // `flexible_header`: response header v1 (with tags) instead of v0.
  Responder(int32_t correlation_id, bool flexible_header, ReplyFn reply)
      : correlation_id_(correlation_id),
        flexible_header_(flexible_header),
        reply_(std::move(reply)) {}

  // A frame that already holds the response header; append the body and Send it.
  OutboundFrame StartFrame() const;
  void Send(OutboundFrame frame) const;
  // StartFrame, then `encode_body` writes the body, then Send.
  void Respond(const std::function<void(WireWriter&)>& encode_body) const;
  // No response at all (acks=0 produce).
  void NoResponse() const;
  // Closes the connection; `why` goes to the broker log with the request's identity and
  // the peer (rate-limited per peer).
  void Close(std::string_view why) const;

  int32_t correlation_id() const { return correlation_id_; }

 private:
  int32_t correlation_id_;
  bool flexible_header_;
  ReplyFn reply_;
};

}  // namespace ringlog
