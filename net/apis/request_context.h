// RequestContext: everything a handler gets for one request — the decoded header, the
// frame holding the body, the connection and its loop, the broker's services, and the
// Responder that answers it. Lives for the synchronous part of the handler call only;
// asynchronous handlers copy what they need (the Responder, decoded fields), or Detach()
// the whole context to finish the request on another thread.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "net/apis/api_spec.h"
#include "net/apis/responder.h"
#include "net/broker/broker_services.h"
#include "net/codec/request_header.h"
#include "net/codec/wire_reader.h"
#include "net/server/request_handler.h"

namespace ringlog {

class RequestContext {
 public:
  RequestContext(RequestHeader header, const ApiSpec* spec, std::string frame, size_t body_offset,
                 const ConnectionInfo* conn, LoopExecutor* loop, BrokerServices* services,
                 Responder responder)
      : header_(std::move(header)),
        spec_(spec),
        frame_(std::move(frame)),
        body_offset_(body_offset),
        conn_(conn),
        loop_(loop),
        services_(services),
        responder_(std::move(responder)) {}

  const RequestHeader& header() const { return header_; }
  int16_t version() const { return header_.api_version; }
  const ApiSpec& spec() const { return *spec_; }
  bool flexible() const { return spec_->IsFlexible(header_.api_version); }

  // A reader over the body (the bytes after the request header).
  WireReader BodyReader() const {
    auto all =
        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(frame_.data()), frame_.size());
    return WireReader(all.subspan(body_offset_));
  }
  // The body as mutable bytes: a position reported by a decoder over BodyReader() indexes
  // into it (a produce handler rewrites batch headers in place).
  std::span<uint8_t> mutable_body() {
    return std::span<uint8_t>(reinterpret_cast<uint8_t*>(frame_.data()), frame_.size())
        .subspan(body_offset_);
  }

  // The whole request frame as it arrived (request header and body, without the size
  // prefix), for a broker that forwards it to the controller as-is.
  std::string_view frame() const { return frame_; }

  // Moves the context to the heap, for a handler that finishes the request on another
  // thread (the admin worker): the connection's identity is copied, since the connection
  // may be gone by then, and loop() may no longer be used. This object is left empty.
  std::shared_ptr<RequestContext> Detach() &&;

  const ConnectionInfo& connection() const { return *conn_; }
  // REQUIRES: not detached.
  LoopExecutor& loop() const;
  BrokerServices& services() const { return *services_; }
  const Responder& responder() const { return responder_; }

 private:
  RequestHeader header_;
  const ApiSpec* spec_;
  std::string frame_;
  size_t body_offset_;
  const ConnectionInfo* conn_;
  LoopExecutor* loop_;
  BrokerServices* services_;
  Responder responder_;
  // The connection's identity once detached; conn_ points here then.
  std::optional<ConnectionInfo> detached_conn_;
};

}  // namespace ringlog
