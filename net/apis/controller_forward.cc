#include "net/apis/controller_forward.h"

#include <glog/logging.h>

#include <algorithm>
#include <atomic>
#include <span>
#include <utility>

#include "net/codec/request_header.h"
#include "net/codec/wire_reader.h"

namespace ringlog {
namespace {

// The body of `response_frame`: what follows the correlation id and, for a flexible
// response header, its tagged fields.
Result<std::string> ResponseBody(const std::string& response_frame, bool flexible_header) {
  WireReader reader(std::span<const uint8_t>(
      reinterpret_cast<const uint8_t*>(response_frame.data()), response_frame.size()));
  RETURN_IF_ERROR(reader.ReadInt32().status());
  if (flexible_header) RETURN_IF_ERROR(reader.SkipTaggedFields());
  return response_frame.substr(reader.position());
}

// Correlation ids of the broker's own requests; any value will do, one exchange at a time.
std::atomic<int32_t> next_correlation_id{1};

}  // namespace

Result<std::string> ForwardToController(const RequestContext& ctx,
                                        std::chrono::milliseconds timeout) {
  ClusterView* cluster = ctx.services().cluster;
  CHECK(cluster != nullptr) << "forwarding needs a cluster";
  ASSIGN_OR_RETURN(std::string response, cluster->ForwardToController(ctx.frame(), timeout));
  return ResponseBody(response, ctx.flexible());
}

void RelayResponseBody(const RequestContext& ctx, std::string_view body) {
  ctx.responder().Respond([body](WireWriter& writer) { writer.WriteRaw(body); });
}

Result<std::string> CallController(ClusterView& cluster, ApiKey key, int16_t version, bool flexible,
                                   const std::function<void(WireWriter&)>& encode_body,
                                   std::chrono::milliseconds timeout) {
  std::string frame;
  WireWriter writer(&frame);
  const RequestHeader header{static_cast<int16_t>(key), version,
                             next_correlation_id.fetch_add(1, std::memory_order_relaxed),
                             std::string(kBrokerClientId)};
  EncodeRequestHeader(writer, header, flexible);
  encode_body(writer);
  ASSIGN_OR_RETURN(std::string response, cluster.ForwardToController(frame, timeout));
  return ResponseBody(response, flexible);
}

std::chrono::milliseconds ForwardTimeout(int32_t timeout_ms) {
  return std::max(kMinForwardTimeout, std::chrono::milliseconds(std::max(timeout_ms, 0)));
}

bool AwaitSnapshot(ClusterView& cluster, const std::function<bool(const ClusterSnapshot&)>& ready,
                   std::chrono::steady_clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  return cluster.WaitForSnapshot(ready, std::max(left, std::chrono::milliseconds(0)));
}

}  // namespace ringlog
