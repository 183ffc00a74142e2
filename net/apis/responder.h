// Responder: sends the one response a request gets. Cheap to copy, so a handler that
// answers later (a fetch waiting for data, a produce waiting for its flush) keeps a copy
// in its callback. Thread-safe: it may answer from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "net/codec/wire_writer.h"
#include "net/metrics/request_metrics.h"
#include "net/server/outbound_frame.h"
#include "net/server/request_handler.h"

namespace ringlog {

class Responder {
 public:
  // `flexible_header`: response header v1 (with tags) instead of v0. `metrics` (may be
  // null; outlives every copy) counts the error codes of what is answered, under `api_key`.
  Responder(int32_t correlation_id, bool flexible_header, ReplyFn reply,
            RequestMetrics* metrics = nullptr, int16_t api_key = -1)
      : correlation_id_(correlation_id),
        flexible_header_(flexible_header),
        reply_(std::move(reply)),
        metrics_(metrics),
        api_key_(api_key) {}

  // The usual answer: counts the error codes `response` carries at `version` (its
  // generated ForEachErrorCode), encodes it with `encode` and sends it.
  template <typename Response>
  void Answer(const Response& response, int16_t version,
              void (*encode)(WireWriter&, const Response&, int16_t)) const {
    CountErrors(response, version);
    Respond([&](WireWriter& writer) { encode(writer, response, version); });
  }
  // Answer for a response with records, encoded straight into the frame, so that record
  // file slices go out without a copy.
  template <typename Response>
  void AnswerInFrame(const Response& response, int16_t version,
                     void (*encode)(OutboundFrame&, const Response&, int16_t)) const {
    CountErrors(response, version);
    OutboundFrame frame = StartFrame();
    encode(frame, response, version);
    Send(std::move(frame));
  }
  // Counts the error codes of a response that is sent some other way, or not at all.
  template <typename Response>
  void CountErrors(const Response& response, int16_t version) const {
    if (metrics_ == nullptr) return;
    ForEachErrorCode(response, version,
                     [this](int16_t code) { metrics_->RecordError(api_key_, code); });
  }

  // Sends a body `encode_body` writes, counting no error codes: for a body that is not a
  // generated response (one relayed from the controller, which counted it; the ApiVersions
  // fallback, whose caller counts it).
  void Respond(const std::function<void(WireWriter&)>& encode_body) const;
  // No response at all (acks=0 produce).
  void NoResponse() const;
  // Closes the connection; `why` goes to the broker log with the request's identity and
  // the peer (rate-limited per peer).
  void Close(std::string_view why) const;

  int32_t correlation_id() const { return correlation_id_; }

 private:
  // A frame that already holds the response header; append the body and Send it.
  OutboundFrame StartFrame() const;
  void Send(OutboundFrame frame) const;

  int32_t correlation_id_;
  bool flexible_header_;
  ReplyFn reply_;
  RequestMetrics* metrics_;
  int16_t api_key_;
};

}  // namespace ringlog
