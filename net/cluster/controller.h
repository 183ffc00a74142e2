// Controller: the cluster's controller as Kafka's ZooKeeper mode has it, for one ZooKeeper
// session. Every broker runs one; at most one of them is active at a time.
//
// Election: a controller that sees no /controller creates it (ephemeral, so it goes with
// the session) and bumps /controller_epoch in one multi-op, conditional on the epoch's
// version it read; losing that race (kNodeExists, kBadVersion) is normal. Either way it
// watches /controller and tries again when the node goes.
//
// Fencing: every write of an active controller is one multi-op that starts with
// check(/controller_epoch, <the version its own bump left>). Once another controller has
// bumped the epoch (or the session is gone) every write fails; the controller then resigns
// (active() false, its /controller removed if it still owns it) and answers NOT_CONTROLLER.
//
// While active it makes every partition's state (/brokers/topics/<t>/partitions/<p>/state)
// follow the live brokers (/brokers/ids): a partition without a state gets one, a dead
// leader is replaced by the first live ISR member in assignment order (or -1, offline, when
// none is), an offline partition whose last ISR member returns is led by it again; each
// leader change bumps the leader_epoch, and dead brokers leave the ISRs
// (partition_election.h, NextPartitionState). A broker registered since a partition's state
// was written (its registration's czxid is newer than the state's mzxid: it restarted,
// maybe with an empty disk, faster than a pass saw it go) is handled as a failure followed
// by a start, and AlterPartition may not keep it in the ISR (controller_election.cc). After each
// pass that changed something it logs the under-replicated and offline partitions. It also does the
// topic administration, the ISR changes (AlterPartition, controller_isr.cc) and the
// controlled shutdowns (controller_shutdown.cc) of ClusterAdmin.
//
// Work happens on the controller's own thread, woken by Notify (a pass) or
// AlterPartitionAsync (a request, served before the next pass): the owner of the session
// calls Notify for every watch event of the session (the controller arms watches on
// /controller, the children of /brokers/ids and /brokers/topics, and each topic's
// assignment). ClusterAdmin calls run on the caller's thread; they and the worker's passes
// take turns.
//
// Thread safety: thread-safe.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "engine/log/log_options.h"
#include "engine/periodic_task.h"
#include "net/cluster/cluster_admin.h"
#include "net/cluster/partition_election.h"
#include "net/cluster/replica_placement.h"
#include "net/cluster/zk_client.h"

namespace ringlog {

struct ControllerOptions {
  // This broker's id, written into /controller.
  int32_t broker_id = -1;
  // num.partitions and default.replication.factor: what a NewTopic's -1 means.
  int32_t default_partitions = 1;
  int16_t default_replication_factor = 1;
  // The broker's topic config defaults, against which a topic's overrides are checked.
  LogOptions log_defaults;
  // Returns a number in [0, bound): the random start and shift of each placement.
  // Empty: a generator seeded from std::random_device. Tests pass a fixed one.
  std::function<int32_t(int32_t bound)> random;
  // How long the worker waits before trying again after ZooKeeper failed a pass
  // (connection loss, a node changed under it).
  int retry_backoff_ms = 200;
  // unclean.leader.election.enable: the default of topics that do not set it.
  bool unclean_leader_election_enable = false;
  // auto.leader.rebalance.enable, leader.imbalance.check.interval.seconds and
  // leader.imbalance.per.broker.percentage: every interval, a broker whose share of
  // partitions it is the preferred replica of but does not lead is above the percentage gets
  // their leadership back where it is in the ISR (controller_election.cc).
  bool auto_leader_rebalance_enable = true;
  int32_t leader_imbalance_check_interval_seconds = 300;
  int32_t leader_imbalance_per_broker_percentage = 10;
};

class Controller final : public ClusterAdmin {
 public:
  // `zk` is the session this controller lives in; the controller keeps it alive.
  Controller(std::shared_ptr<ZkClient> zk, const ControllerOptions& options);
  // Stop().
  ~Controller() override;

  Controller(const Controller&) = delete;
  Controller& operator=(const Controller&) = delete;

  // Starts the worker thread, which makes a first pass (election, then the partition
  // states if it won) at once. Call once.
  void Start();
  // Wakes the worker for a new pass. Call it for every watch event of the session and on
  // its expiry (the pass then finds it gone and resigns). Never blocks: safe on the
  // ZkClient's dispatch thread.
  void Notify();
  // Resigns if active (deletes /controller when this session still owns it, so another
  // broker can take over at once) and joins the worker; requests still queued for it are
  // answered NOT_CONTROLLER. Idempotent.
  void Stop();

  // Whether this controller won the election and has not been fenced since.
  bool active() const { return active_.load(); }
  // The controller epoch it won (0 before it ever won).
  int32_t epoch() const { return epoch_.load(); }

  AdminOutcome CreateTopic(const NewTopic& topic, bool validate_only) override;
  AdminOutcome DeleteTopic(const std::string& name) override;
  AdminOutcome CreatePartitions(const std::string& name, int32_t total,
                                const std::vector<std::vector<int32_t>>& assignments,
                                bool validate_only) override;
  AdminOutcome AlterTopicConfigs(const std::string& name, const ConfigMap& configs,
                                 bool validate_only) override;
  void AlterPartitionAsync(int32_t broker_id, int64_t broker_epoch,
                           std::vector<IsrProposal> proposals,
                           std::function<void(const AlterPartitionOutcome&)> done) override;
  // Partition moves (controller_reassignment.cc).
  ReassignmentOutcome AlterPartitionReassignments(
      const std::vector<ReassignmentTarget>& targets) override;
  ReassignmentListing ListPartitionReassignments(
      const std::optional<std::map<std::string, std::vector<int32_t>>>& partitions) override;
  // AlterPartitionAsync on the caller's thread: blocks on ZooKeeper.
  AlterPartitionOutcome AlterPartition(int32_t broker_id, int64_t broker_epoch,
                                       const std::vector<IsrProposal>& proposals);
  void ControlledShutdownAsync(int32_t broker_id, int64_t broker_epoch,
                               std::function<void(const ControlledShutdownOutcome&)> done) override;
  // ControlledShutdownAsync on the caller's thread: blocks on ZooKeeper (controller_shutdown.cc).
  ControlledShutdownOutcome ControlledShutdown(int32_t broker_id, int64_t broker_epoch);
  ElectLeadersOutcome ElectLeaders(
      ElectionType type, const std::optional<std::vector<ElectionTopic>>& partitions) override;
  // One preferred-leader rebalance check now (what the periodic task runs); the number of
  // partitions whose leadership moved back.
  int RebalanceLeaders();

 private:
  // Registration epochs (czxid of /brokers/ids/<id>) read while deciding one request.
  using RegistrationEpochs = std::map<int32_t, int64_t>;
  // Assignments read while deciding one request; nullopt: the topic does not exist.
  using AssignmentCache = std::map<std::string, std::optional<znodes::TopicAssignment>>;

  enum class PassResult { kDone, kRetry, kSessionGone };

  void Run();
  // One pass of the worker: election, then reconciliation if active.
  PassResult Pass();
  PassResult Elect();
  // kSessionGone (resigned) for an expired session, else kRetry; logs. REQUIRES: work_mu_ held.
  PassResult Failure(const ZkStatus& status);
  PassResult Reconcile();
  // Writes the state `topic`/`partition` should have given `live`, if it differs; `in_force`
  // receives the state it has afterwards (unset when it is not known).
  PassResult ReconcilePartition(const std::string& topic, int32_t partition,
                                const std::vector<int32_t>& replicas, const std::set<int32_t>& live,
                                std::optional<znodes::PartitionState>* in_force);
  // Finishes the moves of `topic` (its assignment, read at znode `version`) whose target
  // replicas are all in the ISR; `moving` is set when one is left in progress.
  // REQUIRES: work_mu_ held.
  PassResult AdvanceMoves(const std::string& topic, znodes::TopicAssignment assignment,
                          int32_t version, const std::set<int32_t>& live, bool* moving);
  // Starts or cancels the moves `targets` name in `topic`, filling their `results`.
  // REQUIRES: work_mu_ held.
  ZkStatus MoveTopic(const std::string& topic, const std::vector<ReassignmentTarget>& targets,
                     const std::vector<size_t>& indexes, const std::set<int32_t>& live,
                     std::vector<ReassignmentOutcome::Result>& results);
  // Logs the under-replicated and offline partitions of a whole pass when they differ from
  // what was last logged. REQUIRES: work_mu_ held.
  void LogHealth(const std::vector<std::string>& under_replicated,
                 const std::vector<std::string>& offline);
  // Decides one proposal of `requester` into `decision`; a ZooKeeper failure that ends the
  // whole request is returned. REQUIRES: work_mu_ held.
  ZkStatus DecideIsr(int32_t requester, const IsrProposal& proposal, const std::set<int32_t>& live,
                     AssignmentCache& assignments, RegistrationEpochs& registrations,
                     IsrDecision* decision);
  // Runs `ops` after the epoch check. A failed check (or an expired session) resigns.
  // REQUIRES: work_mu_ held.
  ZkStatus FencedMulti(std::vector<ZkOp> ops);
  // REQUIRES: work_mu_ held.
  void Resign(const std::string& why);
  // Reads the registration epoch of every broker in `live` into registrations_.
  // REQUIRES: work_mu_ held.
  ZkStatus ReadRegistrations(const std::set<int32_t>& live);
  // What the election of `topic`'s partition whose state was last written at `state_zxid`
  // (0: no state) goes by. REQUIRES: work_mu_ held.
  ElectionInputs InputsFor(const std::string& topic, const std::set<int32_t>& live,
                           int64_t state_zxid);
  // Writes `next` over the state read at `stat` (conditional on its version) and logs it.
  // REQUIRES: work_mu_ held.
  ZkStatus WriteElection(const std::string& topic, int32_t partition,
                         const std::vector<int32_t>& replicas,
                         const std::optional<znodes::PartitionState>& current, const ZkStat& stat,
                         const znodes::PartitionState& next, const std::string& why);
  // The registered brokers, sorted. REQUIRES: work_mu_ held.
  ZkStatus LiveBrokers(std::set<int32_t>* live, bool watch);
  // Placement of `count` partitions from `first_partition` on, with a random start unless
  // `start_broker` (partition 0's leader) is live. REQUIRES: work_mu_ held.
  ReplicaAssignment Place(const std::set<int32_t>& live, int32_t first_partition, int32_t count,
                          int32_t replication_factor, int32_t start_broker);
  // The ops creating the partition nodes and initial states of `assignment`.
  std::vector<ZkOp> NewPartitionOps(const std::string& topic,
                                    const ReplicaAssignment& assignment) const;
  // Forgets the brokers in controlled shutdown whose registration went or changed.
  // REQUIRES: work_mu_ held.
  ZkStatus ForgetGoneShuttingDown(const std::set<int32_t>& live);
  // The brokers in controlled shutdown. REQUIRES: work_mu_ held.
  std::set<int32_t> ShuttingDown() const;
  // The brokers of `live` that are not in controlled shutdown: those a move may make
  // leader. REQUIRES: work_mu_ held.
  std::set<int32_t> MayLead(const std::set<int32_t>& live) const;
  // Whether `broker` may be in `new_isr` of a partition whose ISR is `isr`: a broker in
  // controlled shutdown may stay but not join. REQUIRES: work_mu_ held.
  bool MayBeInIsr(int32_t broker, const std::vector<int32_t>& isr) const;
  // The partitions `broker` leads as ZooKeeper holds them. REQUIRES: work_mu_ held.
  ZkStatus LedBy(int32_t broker, std::vector<PartitionId>* led);
  // NOT_CONTROLLER when resigned (which an expired session makes it), else the error `zk`
  // stands for. REQUIRES: work_mu_ held.
  AdminOutcome FromZk(const ZkStatus& zk, const std::string& what);

  const std::shared_ptr<ZkClient> zk_;
  const ControllerOptions options_;

  std::atomic<bool> active_{false};
  std::atomic<int32_t> epoch_{0};
  // The last pass found a partition moving: an ISR change then wakes a pass, which may
  // finish the move.
  std::atomic<bool> moves_ongoing_{false};

  // Serialises the worker's passes and the admin calls: one writer at a time.
  std::mutex work_mu_;
  int32_t epoch_version_ = -1;  // /controller_epoch's version after our bump; GUARDED_BY(work_mu_)
  bool session_gone_ = false;   // GUARDED_BY(work_mu_)
  // /brokers/ids, /brokers/topics and /config/topics exist. GUARDED_BY(work_mu_)
  bool parents_made_ = false;
  std::function<int32_t(int32_t)> random_;  // GUARDED_BY(work_mu_)
  // The under-replicated and offline partitions last logged. GUARDED_BY(work_mu_)
  std::string health_logged_;
  // The brokers in controlled shutdown, with the registration (czxid) they asked from.
  // GUARDED_BY(work_mu_)
  std::map<int32_t, int64_t> shutting_down_;
  // The registration epoch (czxid) of each live broker, read by the pass. GUARDED_BY(work_mu_)
  RegistrationEpochs registrations_;
  // unclean.leader.election.enable of the topics read by the pass. GUARDED_BY(work_mu_)
  std::map<std::string, bool> unclean_topics_;
  // The preferred-leader checks; null when auto.leader.rebalance.enable is off.
  std::unique_ptr<PeriodicTask> rebalancer_;

  std::mutex mu_;
  std::condition_variable wake_;
  bool pending_ = false;   // GUARDED_BY(mu_)
  bool stopping_ = false;  // GUARDED_BY(mu_)
  // Requests for the worker (AlterPartitionAsync), run before the next pass.
  std::deque<std::function<void()>> jobs_;  // GUARDED_BY(mu_)
  std::thread worker_;
};

}  // namespace ringlog
