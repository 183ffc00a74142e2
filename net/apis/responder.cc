#include "net/apis/responder.h"

#include <glog/logging.h>

#include "net/codec/request_header.h"

namespace ringlog {

OutboundFrame Responder::StartFrame() const {
  OutboundFrame frame;
  WireWriter writer(frame.bytes());
  EncodeResponseHeader(writer, correlation_id_, flexible_header_);
  return frame;
}

void Responder::Send(OutboundFrame frame) const { reply_(Reply::Response(std::move(frame))); }

void Responder::Respond(const std::function<void(WireWriter&)>& encode_body) const {
  OutboundFrame frame = StartFrame();
  WireWriter writer(frame.bytes());
  encode_body(writer);
  Send(std::move(frame));
}

void Responder::NoResponse() const { reply_(Reply::None()); }

void Responder::Close(std::string_view why) const {
  reply_(Reply::Close("request " + std::to_string(correlation_id_) + ": " + std::string(why)));
}

}  // namespace ringlog
