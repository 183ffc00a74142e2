// ClusterMember: this broker's membership of a ZooKeeper cluster, session after session.
// It owns the one ZkClient of the current session and is its listener, and it owns the
// session's Controller. The handlers see it as the ClusterView.
//
// Start-up comes in two steps, because a broker registers only once it accepts
// connections (the bound port may be known only then):
//   Open  connects (retrying until --zookeeper_connection_timeout_ms) and checks the
//         cluster id against the data dir's (cluster_join.h); cluster_id() is then known.
//   Join  registers the ephemeral /brokers/ids/<id>, starts the controller, reads the first
//         snapshot and starts the member thread.
//
// Roles reach the broker through watches: every watch event is passed to the controller
// (Notify) and makes the member thread re-read the whole tree (snapshot_reader.h), merge it
// with what it held (stale news is ignored, snapshot_merge.h), publish it, and have the
// admin worker make the local replicas follow it (local_replicas.h) and take their roles as
// leaders and followers (net/replication/replica_roles.h).
//
// Session expiry: Leads() answers false at once and the published snapshot drops this
// broker's leadership; the member thread stops the controller, opens a new session
// (retrying until it gets one), registers again, starts a new controller and re-reads.
//
// Thread safety: thread-safe. Close (or destruction) from the owner's thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "engine/log/log_manager.h"
#include "engine/log/storage_backend.h"
#include "net/cluster/cluster_view.h"
#include "net/cluster/controller.h"
#include "net/cluster/controller_channel.h"
#include "net/cluster/zk_client.h"

namespace ringlog {

class AdminWorker;
class GroupCoordinator;
class LocalReplicas;
class ReplicaRoles;
class TransactionCoordinator;

struct ClusterMemberOptions {
  int32_t broker_id = 0;
  // zookeeper.connect, the session timeout, and how long Open tries to connect.
  ZkClientOptions zookeeper;
  // The controller of each session (its broker_id is set from broker_id).
  ControllerOptions controller;
};

class ClusterMember final : public ClusterView, public ZkListener {
 public:
  // Connects and checks the cluster id. IOError naming the connect string when ZooKeeper
  // cannot be reached in time; InvalidArgument for a data dir of another cluster.
  // `backend` and `logs` must outlive the member.
  static Result<std::unique_ptr<ClusterMember>> Open(const ClusterMemberOptions& options,
                                                     StorageBackend* backend, LogManager* logs);
  // Close().
  ~ClusterMember() override;
  ClusterMember(const ClusterMember&) = delete;
  ClusterMember& operator=(const ClusterMember&) = delete;

  // Registers as host:port (AlreadyExists "broker id N is already registered" when another
  // live broker has the id), starts the controller and publishes the first snapshot. The
  // local replicas follow each snapshot on `admin`, through `groups` for the offsets topic
  // and `txns` (may be null) for the transaction state topic, and then take their roles
  // through `roles` (null: no replication, as in tests of the membership alone; otherwise
  // Leads() also requires roles->Leading). `admin`, `groups`, `txns` and `roles` must
  // outlive the member; `admin` must be stopped before the member is
  // destroyed or they go. ZooKeeper lost or the session expired during the registration
  // (Busy) is not an error: the member thread registers in a new session, as after any
  // expiry. Call once, after Open.
  Status Join(const std::string& host, int32_t port, AdminWorker* admin, GroupCoordinator* groups,
              ReplicaRoles* roles = nullptr, TransactionCoordinator* txns = nullptr);

  // Stops the member thread and the controller and closes the session, so that the
  // registration and a held /controller go at once. Leads() is false afterwards. Idempotent.
  void Close();

  int32_t broker_id() const { return options_.broker_id; }
  const std::string& cluster_id() const { return cluster_id_; }
  // The client of the current session (null between sessions and after Close).
  ZkClientSource zk_source();
  // Whether the current session is registered (false from an expiry until the broker is
  // registered again).
  bool registered() const { return registered_.load(); }

  // ClusterView.
  std::shared_ptr<const ClusterSnapshot> Snapshot() const override;
  bool Leads(const PartitionId& partition) const override;
  ClusterAdmin* admin() override;
  Result<std::string> ForwardToController(std::string_view request_frame,
                                          std::chrono::milliseconds timeout) override;
  bool WaitForSnapshot(const std::function<bool(const ClusterSnapshot&)>& ready,
                       std::chrono::milliseconds timeout) override;

  // ZkListener: run on the session's dispatch thread.
  void OnWatch(const std::string& path) override;
  void OnSessionExpired() override;

 private:
  class AdminProxy;
  struct Applier;

  ClusterMember(const ClusterMemberOptions& options, StorageBackend* backend, LogManager* logs);

  // A new session (one attempt, bounded by the connection timeout).
  Status Connect();
  // Registration and a new controller in the current session.
  Status Register();
  // Reads the tree, merges it, publishes it and has it applied. Busy when ZooKeeper did
  // not answer (the caller tries again).
  Status Refresh();
  // Publishes `snapshot` (this broker's leadership removed while not registered).
  void Publish(std::shared_ptr<const ClusterSnapshot> merged);
  // After an expiry: new sessions until one registers, or until Close.
  void Renew();
  void Run();
  // Waits `delay` on the member thread, cut short by Close; false when closing.
  bool Pause(std::chrono::milliseconds delay);
  // Stops and drops the controller and the session. Holders of the client keep it open
  // until they let it go.
  void EndSession();

  const ClusterMemberOptions options_;
  StorageBackend* const backend_;
  LogManager* const logs_;
  std::string cluster_id_;
  std::string host_;
  int32_t port_ = -1;
  std::unique_ptr<AdminProxy> admin_proxy_;
  // Shared with the admin worker's queued tasks; set by Join under snapshot_mu_.
  std::shared_ptr<Applier> applier_;
  // Set by Join before the first snapshot; may be null.
  std::atomic<ReplicaRoles*> roles_{nullptr};
  ControllerChannel channel_;

  std::atomic<bool> registered_{false};

  // The session and its controller; swapped by the member thread, read by anyone.
  mutable std::mutex session_mu_;
  std::shared_ptr<ZkClient> zk_;
  std::shared_ptr<Controller> controller_;

  // The snapshots: `held_` is the last merge of what ZooKeeper said, `published_` what the
  // handlers see.
  mutable std::mutex snapshot_mu_;
  std::condition_variable snapshot_cv_;
  ClusterSnapshot held_;
  std::shared_ptr<const ClusterSnapshot> published_;
  uint64_t publications_ = 0;  // how many times published_ changed
  bool read_once_ = false;     // held_ holds a read of ZooKeeper

  // The member thread's work.
  std::mutex work_mu_;
  std::condition_variable work_cv_;
  bool dirty_ = false;    // a watch fired: re-read
  bool expired_ = false;  // the session expired: renew
  bool closing_ = false;
  std::thread thread_;
};

}  // namespace ringlog
