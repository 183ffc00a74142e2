// The controller's worker: election, fencing and the partition states. The topic
// administration (ClusterAdmin) is in controller_admin.cc.
#include "net/cluster/controller.h"

#include <glog/logging.h>

#include <charconv>
#include <chrono>
#include <random>
#include <utility>

#include "net/cluster/partition_election.h"
#include "net/cluster/znodes.h"

namespace ringlog {
namespace {

const std::string kControllerPath(znodes::kController);
const std::string kEpochPath(znodes::kControllerEpoch);

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::function<int32_t(int32_t)> SeededRandom() {
  auto engine = std::make_shared<std::mt19937>(std::random_device{}());
  return [engine](int32_t bound) {
    return std::uniform_int_distribution<int32_t>(0, bound - 1)(*engine);
  };
}

}  // namespace

Controller::Controller(std::shared_ptr<ZkClient> zk, const ControllerOptions& options)
    : zk_(std::move(zk)),
      options_(options),
      random_(options.random ? options.random : SeededRandom()) {}

Controller::~Controller() { Stop(); }

void Controller::Start() {
  worker_ = std::thread(&Controller::Run, this);
  Notify();
  if (options_.auto_leader_rebalance_enable) {
    rebalancer_ = std::make_unique<PeriodicTask>(
        std::chrono::seconds(options_.leader_imbalance_check_interval_seconds),
        [this] { RebalanceLeaders(); });
    rebalancer_->Start();
  }
}

void Controller::Notify() {
  {
    std::lock_guard lock(mu_);
    pending_ = true;
  }
  wake_.notify_one();
}

void Controller::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  if (rebalancer_) rebalancer_->Stop();
  wake_.notify_one();
  if (worker_.joinable()) worker_.join();
  {
    std::lock_guard work(work_mu_);
    Resign("stopping");
  }
  // Resigned, the requests left answer NOT_CONTROLLER without ZooKeeper.
  std::deque<std::function<void()>> left;
  {
    std::lock_guard lock(mu_);
    left.swap(jobs_);
  }
  for (std::function<void()>& job : left) job();
}

void Controller::Run() {
  std::unique_lock lock(mu_);
  bool served_job = false;
  while (true) {
    wake_.wait(lock, [&] { return stopping_ || pending_ || !jobs_.empty(); });
    if (stopping_) return;
    // A request and a due pass take turns, so that neither starves the other.
    if (!jobs_.empty() && !(pending_ && served_job)) {
      std::function<void()> job = std::move(jobs_.front());
      jobs_.pop_front();
      lock.unlock();
      job();
      lock.lock();
      served_job = true;
      continue;
    }
    served_job = false;
    pending_ = false;
    lock.unlock();
    const PassResult result = Pass();
    lock.lock();
    if (result == PassResult::kRetry) {
      wake_.wait_for(lock, std::chrono::milliseconds(options_.retry_backoff_ms),
                     [&] { return stopping_ || !jobs_.empty(); });
      pending_ = true;
    }
  }
}

Controller::PassResult Controller::Pass() {
  std::lock_guard lock(work_mu_);
  if (session_gone_) return PassResult::kSessionGone;
  PassResult result = Elect();
  if (result == PassResult::kDone && active_) result = Reconcile();
  return result;
}

Controller::PassResult Controller::Failure(const ZkStatus& status) {
  if (status.code == ZkCode::kSessionExpired) {
    session_gone_ = true;
    Resign("the ZooKeeper session expired");
    return PassResult::kSessionGone;
  }
  LOG(WARNING) << "controller of broker " << options_.broker_id << ": " << status.message
               << "; trying again";
  return PassResult::kRetry;
}

Controller::PassResult Controller::Elect() {
  ZkStat stat;
  const ZkStatus exists = zk_->Exists(kControllerPath, &stat, /*watch=*/true);
  if (exists.ok()) {
    if (stat.ephemeral_owner != zk_->session_id()) {
      if (active_) Resign("another broker registered as controller");
    } else if (!active_) {
      // Left by a resignation that could not remove it: free the seat. The watch armed
      // above wakes a new pass once it is gone.
      const ZkStatus freed = zk_->Delete(kControllerPath, stat.version);
      if (!freed.ok() && freed.code != ZkCode::kNoNode) return Failure(freed);
    }
    return PassResult::kDone;
  }
  if (exists.code != ZkCode::kNoNode) return Failure(exists);
  if (active_) Resign("its /controller is gone");

  std::string text;
  ZkStat epoch_stat;
  ZkStatus read = zk_->Get(kEpochPath, &text, &epoch_stat, false);
  if (read.code == ZkCode::kNoNode) {
    const ZkStatus created = zk_->Create(kEpochPath, znodes::EncodeControllerEpoch(0), false);
    if (!created.ok() && created.code != ZkCode::kNodeExists) return Failure(created);
    read = zk_->Get(kEpochPath, &text, &epoch_stat, false);
  }
  if (!read.ok()) return Failure(read);
  Result<int32_t> last = znodes::DecodeControllerEpoch(text);
  if (!last.ok()) {
    LOG(ERROR) << "cannot run for controller: " << last.status().ToString();
    return PassResult::kRetry;
  }
  const int32_t epoch = *last + 1;
  const ZkOp ops[] = {
      ZkOp::Create(
          kControllerPath,
          znodes::EncodeController({.broker_id = options_.broker_id, .timestamp_ms = NowMs()}),
          /*ephemeral=*/true),
      ZkOp::SetData(kEpochPath, znodes::EncodeControllerEpoch(epoch), epoch_stat.version)};
  const ZkStatus won = zk_->Multi(ops);
  if (won.code == ZkCode::kNodeExists || won.code == ZkCode::kBadVersion) {
    LOG(INFO) << "broker " << options_.broker_id << " lost the election for controller epoch "
              << epoch;
    return PassResult::kDone;
  }
  if (!won.ok()) return Failure(won);
  epoch_version_ = epoch_stat.version + 1;
  epoch_ = epoch;
  active_ = true;
  LOG(INFO) << "broker " << options_.broker_id << " is the controller, epoch " << epoch;
  parents_made_ = false;
  health_logged_.clear();
  return PassResult::kDone;
}

Controller::PassResult Controller::Reconcile() {
  // The parents of what the controller writes, once per term.
  if (!parents_made_) {
    for (std::string_view path : {znodes::kBrokerIds, znodes::kTopics, znodes::kTopicConfigs}) {
      const ZkStatus made = zk_->CreateRecursive(std::string(path));
      if (!made.ok()) return Failure(made);
    }
    parents_made_ = true;
  }
  std::set<int32_t> live;
  ZkStatus status = LiveBrokers(&live, /*watch=*/true);
  if (!status.ok() && status.code != ZkCode::kNoNode) return Failure(status);
  status = ForgetGoneShuttingDown(live);
  if (!status.ok()) return Failure(status);
  if (status = ReadRegistrations(live); !status.ok()) return Failure(status);
  unclean_topics_.clear();
  std::vector<std::string> topics;
  status = zk_->GetChildren(std::string(znodes::kTopics), &topics, /*watch=*/true);
  if (!status.ok() && status.code != ZkCode::kNoNode) return Failure(status);
  PassResult result = PassResult::kDone;
  std::vector<std::string> under_replicated;
  std::vector<std::string> offline;
  bool moving = false;
  for (const std::string& topic : topics) {
    std::string json;
    ZkStat stat;
    status = zk_->Get(znodes::TopicPath(topic), &json, &stat, /*watch=*/true);
    if (status.code == ZkCode::kNoNode) continue;  // deleted since the listing
    if (!status.ok()) return Failure(status);
    Result<znodes::TopicAssignment> assignment = znodes::DecodeTopicAssignment(json);
    if (!assignment.ok()) {
      LOG(ERROR) << "topic " << topic << ": " << assignment.status().ToString();
      continue;
    }
    for (const auto& [partition, replicas] : assignment->partitions) {
      std::optional<znodes::PartitionState> state;
      const PassResult one = ReconcilePartition(topic, partition, replicas, live, &state);
      if (one == PassResult::kSessionGone || !active_) return one;
      if (one == PassResult::kRetry) result = PassResult::kRetry;
      if (!state) continue;
      const std::string name = topic + "-" + std::to_string(partition);
      if (state->leader == -1) {
        offline.push_back(name);
      } else if (state->isr.size() < replicas.size()) {
        under_replicated.push_back(name + " " + IsrText(state->isr) + " of " + IsrText(replicas));
      }
    }
    const PassResult moved =
        AdvanceMoves(topic, std::move(*assignment), stat.version, live, &moving);
    if (moved == PassResult::kSessionGone || !active_) return moved;
    if (moved == PassResult::kRetry) result = PassResult::kRetry;
  }
  moves_ongoing_ = moving;
  if (result == PassResult::kDone) LogHealth(under_replicated, offline);
  return result;
}

void Controller::LogHealth(const std::vector<std::string>& under_replicated,
                           const std::vector<std::string>& offline) {
  // Named one by one up to a bound, so that a large cluster's log stays readable.
  constexpr size_t kNamed = 20;
  auto list = [](const std::vector<std::string>& names) {
    std::string text;
    for (size_t i = 0; i < names.size() && i < kNamed; ++i) text += (i > 0 ? ", " : "") + names[i];
    if (names.size() > kNamed) text += ", ...";
    return text;
  };
  std::string health = std::to_string(under_replicated.size()) + " under-replicated partitions";
  if (!under_replicated.empty()) health += " (" + list(under_replicated) + ")";
  health += ", " + std::to_string(offline.size()) + " offline";
  if (!offline.empty()) health += " (" + list(offline) + ")";
  if (health == health_logged_) return;
  health_logged_ = health;
  LOG(INFO) << "controller epoch " << epoch_.load() << ": " << health;
}

Controller::PassResult Controller::ReconcilePartition(
    const std::string& topic, int32_t partition, const std::vector<int32_t>& replicas,
    const std::set<int32_t>& live, std::optional<znodes::PartitionState>* in_force) {
  const std::string path = znodes::PartitionStatePath(topic, partition);
  std::string json;
  ZkStat stat;
  const ZkStatus read = zk_->Get(path, &json, &stat, false);
  if (!read.ok() && read.code != ZkCode::kNoNode) return Failure(read);
  std::optional<znodes::PartitionState> current;
  if (read.ok()) {
    Result<znodes::PartitionState> decoded = znodes::DecodePartitionState(json);
    if (decoded.ok()) {
      current = *decoded;
    } else {
      LOG(ERROR) << "rewriting " << path << ": " << decoded.status().ToString();
    }
  }
  const ElectionInputs inputs = InputsFor(topic, live, read.ok() ? stat.mzxid : 0);
  std::optional<znodes::PartitionState> next = NextPartitionState(replicas, current, inputs);
  if (next && IsUncleanElection(current, *next)) {
    LOG(WARNING) << "partition " << topic << "-" << partition << ": unclean election of broker "
                 << next->leader << ", out of the ISR " << IsrText(current->isr)
                 << " (unclean.leader.election.enable): acknowledged records may be lost";
  }
  if (!next) {
    *in_force = current;
    return PassResult::kDone;
  }
  std::vector<ZkOp> ops;
  if (read.ok()) {
    ops.push_back(ZkOp::SetData(path, znodes::EncodePartitionState(*next), stat.version));
  } else {
    // A topic made by another tool may have no partition nodes yet.
    for (const std::string& parent :
         {znodes::PartitionsPath(topic), znodes::PartitionPath(topic, partition)}) {
      ZkStat parent_stat;
      const ZkStatus there = zk_->Exists(parent, &parent_stat, false);
      if (there.code == ZkCode::kNoNode) {
        ops.push_back(ZkOp::Create(parent, ""));
      } else if (!there.ok()) {
        return Failure(there);
      }
    }
    ops.push_back(ZkOp::Create(path, znodes::EncodePartitionState(*next)));
  }
  const ZkStatus written = FencedMulti(std::move(ops));
  if (!active_) return PassResult::kDone;
  if (written.ok()) {
    LOG(INFO) << "partition " << topic << "-" << partition << ": leader "
              << (current ? current->leader : -1) << " -> " << next->leader << ", ISR "
              << (current ? IsrText(current->isr) : "[]") << " -> " << IsrText(next->isr)
              << " of replicas " << IsrText(replicas) << ", leader_epoch " << next->leader_epoch
              << ", controller epoch " << next->controller_epoch;
    *in_force = std::move(next);
    return PassResult::kDone;
  }
  return Failure(written);
}

ZkStatus Controller::FencedMulti(std::vector<ZkOp> ops) {
  ops.insert(ops.begin(), ZkOp::Check(kEpochPath, epoch_version_));
  size_t failed = 0;
  ZkStatus status = zk_->Multi(ops, &failed);
  if (status.code == ZkCode::kSessionExpired) {
    session_gone_ = true;
    Resign("the ZooKeeper session expired");
  } else if (!status.ok() && failed == 0 &&
             (status.code == ZkCode::kBadVersion || status.code == ZkCode::kNoNode)) {
    Resign("/controller_epoch moved past epoch " + std::to_string(epoch_.load()));
  }
  return status;
}

void Controller::Resign(const std::string& why) {
  if (!active_) return;
  active_ = false;
  LOG(INFO) << "broker " << options_.broker_id << " is no longer the controller (epoch "
            << epoch_.load() << "): " << why;
  if (session_gone_) return;
  ZkStat stat;
  if (zk_->Exists(kControllerPath, &stat, false).ok() &&
      stat.ephemeral_owner == zk_->session_id()) {
    const ZkStatus freed = zk_->Delete(kControllerPath, stat.version);
    if (!freed.ok()) LOG(WARNING) << "leaving /controller: " << freed.message;
  }
}

ZkStatus Controller::LiveBrokers(std::set<int32_t>* live, bool watch) {
  std::vector<std::string> names;
  ZkStatus status = zk_->GetChildren(std::string(znodes::kBrokerIds), &names, watch);
  for (const std::string& name : names) {
    int32_t id = 0;
    const char* end = name.data() + name.size();
    auto [at, error] = std::from_chars(name.data(), end, id);
    if (error == std::errc() && at == end) live->insert(id);
  }
  return status;
}

}  // namespace ringlog
