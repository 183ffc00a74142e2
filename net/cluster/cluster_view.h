// ClusterView: what the request handlers (net/apis) use when the broker runs in a cluster
// (BrokerServices::cluster is non-null). Without ZooKeeper it is null and the handlers
// serve as the single broker they always were.
//
// Thread safety: every method is thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "engine/status.h"
#include "engine/types.h"
#include "net/cluster/cluster_snapshot.h"

namespace ringlog {

class ClusterAdmin;

class ClusterView {
 public:
  virtual ~ClusterView() = default;

  // The newest snapshot this broker has; never null (empty before the first read).
  virtual std::shared_ptr<const ClusterSnapshot> Snapshot() const = 0;

  // True when this broker leads `partition` and may serve it now: the snapshot says so,
  // the ZooKeeper session is alive, and the local partition log exists. False as soon as
  // the session is lost, before any new snapshot.
  virtual bool Leads(const PartitionId& partition) const = 0;

  // The controller's admin operations when this broker is the controller now, else null
  // (the request is then forwarded). The pointer stays valid while the broker serves.
  virtual ClusterAdmin* admin() = 0;

  // Sends `request_frame` (a whole request: header and body, without the length prefix)
  // to the controller and returns its response frame (without the length prefix).
  // Blocks; call it on the admin worker only. Busy when there is no controller or it does
  // not answer within `timeout`.
  virtual Result<std::string> ForwardToController(std::string_view request_frame,
                                                  std::chrono::milliseconds timeout) = 0;

  // Waits until the snapshot satisfies `ready` or `timeout` passes; returns whether it
  // does. For handlers that wait for their change to reach this broker's metadata.
  virtual bool WaitForSnapshot(const std::function<bool(const ClusterSnapshot&)>& ready,
                               std::chrono::milliseconds timeout) = 0;
};

}  // namespace ringlog
