#include "net/cluster/cluster_member.h"

#include <glog/logging.h>

#include <algorithm>
#include <utility>

#include "engine/clock.h"
#include "net/broker/admin_worker.h"
#include "net/cluster/cluster_join.h"
#include "net/cluster/local_replicas.h"
#include "net/cluster/snapshot_merge.h"
#include "net/cluster/snapshot_reader.h"
#include "net/replication/replica_roles.h"

namespace ringlog {
namespace {

// How long the member thread waits before reading again after ZooKeeper failed a read, and before
// another try at a new session.
constexpr std::chrono::milliseconds kRereadBackoff(200);
constexpr std::chrono::milliseconds kRenewBackoff(1000);

// How long a registration left by this data dir's previous session is waited for: ZooKeeper expires
// a session in ticks, somewhat after its timeout.
std::chrono::milliseconds LeftoverWait(int session_timeout_ms) {
  return std::chrono::milliseconds(2 * int64_t{session_timeout_ms});
}

// `snapshot` without this broker's leadership, for while it is not registered.
std::shared_ptr<const ClusterSnapshot> WithoutLeadership(const ClusterSnapshot& snapshot,
                                                         int32_t broker_id) {
  auto stripped = std::make_shared<ClusterSnapshot>(snapshot);
  for (auto& [name, topic] : stripped->topics) {
    for (ClusterPartition& partition : topic.partitions) {
      if (partition.state.leader == broker_id) partition.state.leader = -1;
      std::erase(partition.state.isr, broker_id);
    }
  }
  return stripped;
}

AdminOutcome NotController() {
  return {ErrorCode::kNotController, "this broker is no longer the controller"};
}

}  // namespace

// The ClusterAdmin that admin() hands out: it stays valid across sessions and passes each call to
// the current session's controller.
class ClusterMember::AdminProxy final : public ClusterAdmin {
 public:
  explicit AdminProxy(ClusterMember* member) : member_(member) {}

  AdminOutcome CreateTopic(const NewTopic& topic, bool validate_only) override {
    std::shared_ptr<Controller> controller = Current();
    return controller ? controller->CreateTopic(topic, validate_only) : NotController();
  }
  AdminOutcome DeleteTopic(const std::string& name) override {
    std::shared_ptr<Controller> controller = Current();
    return controller ? controller->DeleteTopic(name) : NotController();
  }
  AdminOutcome CreatePartitions(const std::string& name, int32_t total,
                                const std::vector<std::vector<int32_t>>& assignments,
                                bool validate_only) override {
    std::shared_ptr<Controller> controller = Current();
    return controller ? controller->CreatePartitions(name, total, assignments, validate_only)
                      : NotController();
  }
  AdminOutcome AlterTopicConfigs(const std::string& name, const ConfigMap& configs,
                                 bool validate_only) override {
    std::shared_ptr<Controller> controller = Current();
    return controller ? controller->AlterTopicConfigs(name, configs, validate_only)
                      : NotController();
  }
  void AlterPartitionAsync(int32_t broker_id, int64_t broker_epoch,
                           std::vector<IsrProposal> proposals,
                           std::function<void(const AlterPartitionOutcome&)> done) override {
    std::shared_ptr<Controller> controller = Current();
    if (controller) {
      controller->AlterPartitionAsync(broker_id, broker_epoch, std::move(proposals),
                                      std::move(done));
      return;
    }
    const AdminOutcome refused = NotController();
    done({refused.error, refused.message, {}});
  }
  ReassignmentOutcome AlterPartitionReassignments(
      const std::vector<ReassignmentTarget>& targets) override {
    std::shared_ptr<Controller> controller = Current();
    if (controller) return controller->AlterPartitionReassignments(targets);
    const AdminOutcome refused = NotController();
    return {refused.error, refused.message, {}};
  }
  ReassignmentListing ListPartitionReassignments(
      const std::optional<std::map<std::string, std::vector<int32_t>>>& partitions) override {
    std::shared_ptr<Controller> controller = Current();
    if (controller) return controller->ListPartitionReassignments(partitions);
    const AdminOutcome refused = NotController();
    return {refused.error, refused.message, {}};
  }
  void ControlledShutdownAsync(
      int32_t broker_id, int64_t broker_epoch,
      std::function<void(const ControlledShutdownOutcome&)> done) override {
    std::shared_ptr<Controller> controller = Current();
    if (controller) {
      controller->ControlledShutdownAsync(broker_id, broker_epoch, std::move(done));
      return;
    }
    const AdminOutcome refused = NotController();
    done({refused.error, refused.message, {}});
  }

  ElectLeadersOutcome ElectLeaders(
      ElectionType type, const std::optional<std::vector<ElectionTopic>>& partitions) override {
    std::shared_ptr<Controller> controller = Current();
    if (controller) return controller->ElectLeaders(type, partitions);
    const AdminOutcome refused = NotController();
    return {refused.error, refused.message, {}};
  }

 private:
  std::shared_ptr<Controller> Current() const {
    std::lock_guard<std::mutex> lock(member_->session_mu_);
    return member_->controller_;
  }

  ClusterMember* const member_;
};

// The local replicas and the newest snapshot they are to follow. Tasks on the admin worker hold it,
// so it outlives the member if they do. A burst of snapshots makes one task, which applies the
// newest.
struct ClusterMember::Applier {
  Applier(int32_t broker_id, LogManager* logs, GroupCoordinator* groups,
          TransactionCoordinator* txns, AdminWorker* worker, ReplicaRoles* replica_roles)
      : replicas(broker_id, logs, groups, txns), roles(replica_roles), admin(worker) {}

  static void Offer(const std::shared_ptr<Applier>& self,
                    std::shared_ptr<const ClusterSnapshot> snapshot) {
    {
      std::lock_guard<std::mutex> lock(self->mu);
      self->latest = std::move(snapshot);
      if (self->queued) return;
      self->queued = true;
    }
    self->admin->Submit([self] {
      std::shared_ptr<const ClusterSnapshot> newest;
      {
        std::lock_guard<std::mutex> lock(self->mu);
        self->queued = false;
        newest = self->latest;
      }
      if (Status applied = self->replicas.Apply(*newest); !applied.ok()) {
        LOG(WARNING) << "the local replicas do not follow the cluster's metadata yet: "
                     << applied.ToString();
      }
      // The roles of the partitions the storage holds now, also after a partial Apply.
      if (self->roles != nullptr) {
        self->roles->Apply(*newest);
        // No fetcher writes to a partition moved away from this broker any more.
        self->replicas.DropUnheld(*newest).IgnoreError();  // logged; the next snapshot retries
      }
    });
  }

  LocalReplicas replicas;  // used on the admin worker only
  ReplicaRoles* const roles;
  AdminWorker* const admin;
  std::mutex mu;
  std::shared_ptr<const ClusterSnapshot> latest;  // GUARDED_BY(mu)
  bool queued = false;                            // GUARDED_BY(mu)
};

ClusterMember::ClusterMember(const ClusterMemberOptions& options, StorageBackend* backend,
                             LogManager* logs)
    : options_(options),
      backend_(backend),
      logs_(logs),
      admin_proxy_(std::make_unique<AdminProxy>(this)),
      published_(std::make_shared<ClusterSnapshot>()) {}

Result<std::unique_ptr<ClusterMember>> ClusterMember::Open(const ClusterMemberOptions& options,
                                                           StorageBackend* backend,
                                                           LogManager* logs) {
  std::unique_ptr<ClusterMember> member(new ClusterMember(options, backend, logs));
  RETURN_IF_ERROR(member->Connect());
  std::shared_ptr<ZkClient> zk = member->zk_source()();
  ASSIGN_OR_RETURN(member->cluster_id_, JoinClusterId(*zk, *backend));
  member->held_.cluster_id = member->cluster_id_;
  member->published_ = std::make_shared<ClusterSnapshot>(member->held_);
  return member;
}

ClusterMember::~ClusterMember() { Close(); }

Status ClusterMember::Join(const std::string& host, int32_t port, AdminWorker* admin,
                           GroupCoordinator* groups, ReplicaRoles* roles,
                           TransactionCoordinator* txns) {
  host_ = host;
  port_ = port;
  roles_ = roles;
  {
    std::lock_guard<std::mutex> lock(snapshot_mu_);
    applier_ = std::make_shared<Applier>(options_.broker_id, logs_, groups, txns, admin, roles);
  }
  if (Status registered = Register(); registered.ok()) {
    std::lock_guard<std::mutex> lock(snapshot_mu_);
    registered_ = true;
  } else if (registered.IsBusy()) {
    // ZooKeeper was lost or the session expired while the broker registered (it may have been
    // paused): the member thread starts a new session and registers, as after any expiry.
    LOG(WARNING) << "broker " << options_.broker_id
                 << " cannot register yet: " << registered.ToString()
                 << "; it tries again in a new session";
    std::lock_guard<std::mutex> lock(work_mu_);
    expired_ = true;
  } else {
    return registered;
  }
  if (Status read = Refresh(); !read.ok()) {
    LOG(WARNING) << "cannot read the cluster's metadata yet: " << read.ToString();
    std::lock_guard<std::mutex> lock(work_mu_);
    dirty_ = true;
  }
  thread_ = std::thread([this] { Run(); });
  return Status::OK();
}

void ClusterMember::Close() {
  {
    std::lock_guard<std::mutex> lock(work_mu_);
    closing_ = true;
  }
  work_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  {
    std::lock_guard<std::mutex> lock(snapshot_mu_);
    registered_ = false;
  }
  EndSession();
}

ZkClientSource ClusterMember::zk_source() {
  return [this] {
    std::lock_guard<std::mutex> lock(session_mu_);
    return zk_;
  };
}

std::shared_ptr<const ClusterSnapshot> ClusterMember::Snapshot() const {
  std::lock_guard<std::mutex> lock(snapshot_mu_);
  return published_;
}

bool ClusterMember::Leads(const PartitionId& partition) const {
  if (!registered_.load()) return false;
  std::shared_ptr<const ClusterSnapshot> snapshot = Snapshot();
  const ClusterPartition* found = snapshot->FindPartition(partition.topic, partition.partition);
  if (found == nullptr || found->state.leader != options_.broker_id) return false;
  // With replication, nothing is served before the leader epoch is assigned to the log.
  const ReplicaRoles* roles = roles_.load();
  if (roles != nullptr && !roles->Leading(partition)) return false;
  return logs_->GetPartition(partition) != nullptr;
}

ClusterAdmin* ClusterMember::admin() {
  if (!registered_.load()) return nullptr;
  std::lock_guard<std::mutex> lock(session_mu_);
  return controller_ != nullptr && controller_->active() ? admin_proxy_.get() : nullptr;
}

Result<std::string> ClusterMember::ForwardToController(std::string_view request_frame,
                                                       std::chrono::milliseconds timeout) {
  std::shared_ptr<const ClusterSnapshot> snapshot = Snapshot();
  if (snapshot->controller_id < 0) return Status::Busy("there is no controller at the moment");
  // This broker's own controller is reached through admin(); forwarding to itself would wait on the
  // admin worker it runs on.
  if (snapshot->controller_id == options_.broker_id) {
    return Status::Busy("this broker's controller is not active at the moment");
  }
  const ClusterBroker* controller = snapshot->FindBroker(snapshot->controller_id);
  if (controller == nullptr) {
    return Status::Busy("controller " + std::to_string(snapshot->controller_id) +
                        " is not registered");
  }
  return channel_.Exchange(controller->host, controller->port, request_frame, timeout);
}

bool ClusterMember::WaitForSnapshot(const std::function<bool(const ClusterSnapshot&)>& ready,
                                    std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock<std::mutex> lock(snapshot_mu_);
  while (true) {
    std::shared_ptr<const ClusterSnapshot> current = published_;
    const uint64_t seen = publications_;
    // Judged without the lock: `ready` may call back into the member.
    lock.unlock();
    if (ready(*current)) return true;
    lock.lock();
    if (!snapshot_cv_.wait_until(lock, deadline, [&] { return publications_ != seen; })) {
      return false;
    }
  }
}

void ClusterMember::OnWatch(const std::string& /*path*/) {
  std::shared_ptr<Controller> controller;
  {
    std::lock_guard<std::mutex> lock(session_mu_);
    controller = controller_;
  }
  if (controller != nullptr) controller->Notify();
  {
    std::lock_guard<std::mutex> lock(work_mu_);
    dirty_ = true;
  }
  work_cv_.notify_all();
}

void ClusterMember::OnSessionExpired() {
  std::shared_ptr<const ClusterSnapshot> stripped;
  std::shared_ptr<Applier> applier;
  {
    std::lock_guard<std::mutex> lock(snapshot_mu_);
    registered_ = false;
    stripped = WithoutLeadership(held_, options_.broker_id);
    published_ = stripped;
    ++publications_;
    // Before the first read `held_` lists no topics, and applying it would delete every local
    // topic; the applier has been given no leadership to let go of yet.
    if (read_once_) applier = applier_;
  }
  snapshot_cv_.notify_all();
  // Leadership ends now, not when the admin worker gets to the stripped snapshot.
  if (ReplicaRoles* roles = roles_.load(); roles != nullptr) {
    ClusterSnapshot last;
    {
      std::lock_guard<std::mutex> lock(snapshot_mu_);
      last = held_;
    }
    roles->SessionLost(last);
  }
  // The coordinators let go of the partitions of their topics this broker led.
  if (applier != nullptr) Applier::Offer(applier, std::move(stripped));
  {
    std::lock_guard<std::mutex> lock(work_mu_);
    expired_ = true;
  }
  work_cv_.notify_all();
}

Status ClusterMember::Connect() {
  Result<std::unique_ptr<ZkClient>> client = ZkClient::Connect(options_.zookeeper, this);
  if (!client.ok()) return client.status();
  std::lock_guard<std::mutex> lock(session_mu_);
  zk_ = std::move(*client);
  return Status::OK();
}

Status ClusterMember::Register() {
  std::shared_ptr<ZkClient> zk = zk_source()();
  if (zk == nullptr) return Status::Busy("no ZooKeeper session");
  RETURN_IF_ERROR(EnsureClusterPaths(*zk));
  znodes::BrokerRegistration registration;
  registration.broker_id = options_.broker_id;
  registration.host = host_;
  registration.port = port_;
  registration.timestamp_ms = SystemClock::Get()->NowMs();
  RETURN_IF_ERROR(
      RegisterBroker(*zk, *backend_, registration, LeftoverWait(zk->session_timeout_ms())));
  ControllerOptions controller_options = options_.controller;
  controller_options.broker_id = options_.broker_id;
  auto controller = std::make_shared<Controller>(zk, controller_options);
  {
    std::lock_guard<std::mutex> lock(session_mu_);
    controller_ = controller;
  }
  controller->Start();
  return Status::OK();
}

Status ClusterMember::Refresh() {
  std::shared_ptr<ZkClient> zk = zk_source()();
  if (zk == nullptr) return Status::Busy("no ZooKeeper session");
  Result<ClusterSnapshot> read = ReadClusterSnapshot(*zk, /*watch=*/true);
  if (!read.ok()) return read.status();
  std::shared_ptr<const ClusterSnapshot> published;
  {
    std::lock_guard<std::mutex> lock(snapshot_mu_);
    held_ = MergeNewer(held_, std::move(*read));
    if (held_.cluster_id.empty()) held_.cluster_id = cluster_id_;
    read_once_ = true;
    // Checked under the lock that OnSessionExpired takes, so that a read that raced an expiry
    // cannot publish leadership the broker no longer has.
    published = registered_.load() ? std::make_shared<ClusterSnapshot>(held_)
                                   : WithoutLeadership(held_, options_.broker_id);
    published_ = published;
    ++publications_;
  }
  snapshot_cv_.notify_all();
  Applier::Offer(applier_, std::move(published));
  return Status::OK();
}

void ClusterMember::Renew() {
  LOG(WARNING) << "the ZooKeeper session of broker " << options_.broker_id
               << " expired; it leads nothing until it is registered again";
  EndSession();
  while (true) {
    Status renewed = Connect();
    if (renewed.ok()) renewed = Register();
    if (renewed.ok()) break;
    LOG(WARNING) << "broker " << options_.broker_id
                 << " cannot register again yet: " << renewed.ToString();
    EndSession();
    if (!Pause(kRenewBackoff)) return;
  }
  {
    std::lock_guard<std::mutex> lock(snapshot_mu_);
    registered_ = true;
  }
  LOG(INFO) << "broker " << options_.broker_id << " registered again in a new ZooKeeper session";
  std::lock_guard<std::mutex> lock(work_mu_);
  dirty_ = true;
}

void ClusterMember::Run() {
  std::unique_lock<std::mutex> lock(work_mu_);
  while (!closing_) {
    if (expired_) {
      expired_ = false;
      lock.unlock();
      Renew();
      lock.lock();
    } else if (dirty_) {
      dirty_ = false;
      lock.unlock();
      Status read = Refresh();
      if (!read.ok()) {
        LOG(WARNING) << "cannot read the cluster's metadata: " << read.ToString()
                     << "; trying again";
        if (Pause(kRereadBackoff)) {
          std::lock_guard<std::mutex> again(work_mu_);
          dirty_ = true;
        }
      }
      lock.lock();
    } else {
      work_cv_.wait(lock);
    }
  }
}

bool ClusterMember::Pause(std::chrono::milliseconds delay) {
  std::unique_lock<std::mutex> lock(work_mu_);
  work_cv_.wait_for(lock, delay, [this] { return closing_; });
  return !closing_;
}

void ClusterMember::EndSession() {
  std::shared_ptr<Controller> controller;
  std::shared_ptr<ZkClient> zk;
  {
    std::lock_guard<std::mutex> lock(session_mu_);
    controller = std::move(controller_);
    zk = std::move(zk_);
  }
  if (controller != nullptr) controller->Stop();
}

}  // namespace ringlog
