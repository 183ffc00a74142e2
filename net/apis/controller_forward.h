// How a broker of a cluster that is not the controller hands topic administration to the
// one that is: the client's request frame goes to the controller as-is
// (ClusterView::ForwardToController) and the controller's response body comes back to the
// client under the client's own correlation id. Requests of the broker's own making (the
// CreateTopics of auto-creation) go the same way.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "engine/status.h"
#include "net/apis/request_context.h"
#include "net/cluster/cluster_view.h"
#include "net/codec/api_key.h"
#include "net/codec/wire_writer.h"

namespace ringlog {

// The client id of the requests a broker sends to the controller. The controller lets
// such a request create an internal topic, which a client's may not.
inline constexpr std::string_view kBrokerClientId = "ringlog-broker";

// How long a forwarded request whose own timeout is unknown or shorter may take.
inline constexpr std::chrono::milliseconds kMinForwardTimeout{5000};

// Sends ctx's whole request frame to the controller and returns the controller's response
// body (its frame after the response header, whose layout follows ctx's version).
// Busy when there is no controller or it does not answer within `timeout`.
// REQUIRES: on the admin worker; ctx.services().cluster is non-null.
Result<std::string> ForwardToController(const RequestContext& ctx,
                                        std::chrono::milliseconds timeout);

// Answers ctx's client with `body` as the response body.
void RelayResponseBody(const RequestContext& ctx, std::string_view body);

// Sends a request of this broker's making (API `key` at `version`, flexible or not, the
// body written by `encode_body`) to the controller and returns the response body.
// REQUIRES: on the admin worker.
Result<std::string> CallController(ClusterView& cluster, ApiKey key, int16_t version, bool flexible,
                                   const std::function<void(WireWriter&)>& encode_body,
                                   std::chrono::milliseconds timeout);

// The time a forwarded request with `timeout_ms` (<= 0: unknown) may take.
std::chrono::milliseconds ForwardTimeout(int32_t timeout_ms);

// Waits until this broker's snapshot satisfies `ready` or `deadline` passes, so that a
// change the controller made is seen by the client's next request to this broker.
// Returns whether it does.
bool AwaitSnapshot(ClusterView& cluster, const std::function<bool(const ClusterSnapshot&)>& ready,
                   std::chrono::steady_clock::time_point deadline);

}  // namespace ringlog
