#include "net/broker/broker.h"

#include <glog/logging.h>

#include <chrono>
#include <span>
#include <utility>

#include "net/apis/api_table.h"
#include "net/apis/live_peer_requests.h"
#include "net/apis/request_context.h"
#include "net/apis/responder.h"
#include "net/broker/partition_watchers.h"
#include "net/codec/api_versions_fallback.h"
#include "net/codec/error_code.h"
#include "net/codec/request_header.h"
#include "net/codec/wire_reader.h"
#include "net/metrics/request_metrics.h"

namespace ringlog {
namespace {

// The connection logs `why`, rate-limited per peer.
void CloseConnection(const ReplyFn& reply, std::string why) { reply(Reply::Close(std::move(why))); }

// KIP-511: the version 0 body with UNSUPPORTED_VERSION and the versions we do serve. The
// body is never parsed; the response header is v0, as for every ApiVersions response.
// `metrics` (may be null) counts the error.
void AnswerUnsupportedApiVersions(const ApiSpec& spec, int32_t correlation_id, ReplyFn reply,
                                  RequestMetrics* metrics) {
  const ApiVersionRange own{static_cast<int16_t>(spec.key), spec.min_version, spec.max_version};
  if (metrics != nullptr) {
    metrics->RecordError(static_cast<int16_t>(spec.key), ToWire(ErrorCode::kUnsupportedVersion));
  }
  Responder(correlation_id, /*flexible_header=*/false, std::move(reply))
      .Respond([&](WireWriter& writer) { EncodeApiVersionsFallbackResponse(writer, own); });
}

// `reply`, counting the request and its latency (arrival to answer) when it is called.
ReplyFn TimedReply(RequestMetrics* metrics, int16_t key, ReplyFn reply) {
  return [metrics, key, reply = std::move(reply),
          arrived = std::chrono::steady_clock::now()](Reply answer) {
    const auto waited = std::chrono::steady_clock::now() - arrived;
    metrics->RecordRequest(
        key, static_cast<uint64_t>(
                 std::chrono::duration_cast<std::chrono::nanoseconds>(waited).count()));
    reply(std::move(answer));
  };
}

}  // namespace

void Broker::Handle(const ConnectionInfo& conn, std::string frame, LoopExecutor& loop,
                    ReplyFn reply) {
  WireReader reader(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(frame.data()), frame.size()));
  Result<RequestHeader> header = DecodeRequestHeaderPrefix(reader);
  if (!header.ok()) {
    CloseConnection(reply, "unreadable request header: " + header.status().ToString());
    return;
  }
  const int16_t key = header->api_key;
  const int16_t version = header->api_version;
  const ApiSpec* spec = FindApi(key);
  if (spec == nullptr) {
    CloseConnection(reply, "unsupported API key " + std::to_string(key) + " (" +
                               std::string(ApiName(key)) + ") v" + std::to_string(version));
    return;
  }
  if (version < spec->min_version || version > spec->max_version) {
    if (spec->key == ApiKey::kApiVersions) {
      AnswerUnsupportedApiVersions(*spec, header->correlation_id, std::move(reply),
                                   services_->metrics);
      return;
    }
    CloseConnection(reply, std::string(ApiName(key)) + " v" + std::to_string(version) +
                               " is outside the served range " + std::to_string(spec->min_version) +
                               "-" + std::to_string(spec->max_version));
    return;
  }
  if (services_->metrics != nullptr) reply = TimedReply(services_->metrics, key, std::move(reply));
  const bool flexible = spec->IsFlexible(version);
  if (RequestHeaderHasRest(key, version)) {
    if (Status rest = DecodeRequestHeaderRest(reader, flexible, &*header); !rest.ok()) {
      CloseConnection(reply, "bad request header: " + rest.ToString());
      return;
    }
  }
  // ApiVersions answers with response header v0 at every version, so that a client that
  // does not know the broker yet can always read it.
  const bool flexible_response_header = flexible && spec->key != ApiKey::kApiVersions;
  Responder responder(header->correlation_id, flexible_response_header, std::move(reply),
                      services_->metrics, key);
  const size_t body_offset = reader.position();
  RequestContext ctx(std::move(*header), spec, std::move(frame), body_offset, &conn, &loop,
                     services_, std::move(responder));
  spec->handle(ctx);
}

bool Broker::NeedsLivePeer(std::string_view frame) const { return ringlog::NeedsLivePeer(frame); }

void Broker::OnConnectionClosed(const ConnectionInfo& conn) {
  if (services_->watchers != nullptr) services_->watchers->CloseConnection(conn.id);
  if (services_->metrics != nullptr) services_->metrics->RecordConnectionClosed();
}

void Broker::OnConnectionOpened(const ConnectionInfo& /*conn*/) {
  if (services_->metrics != nullptr) services_->metrics->RecordConnectionOpened();
}

}  // namespace ringlog
