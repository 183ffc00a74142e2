#include "net/replication/leader_replicas.h"

#include <glog/logging.h>

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <unordered_map>
#include <utility>

#include "net/broker/partition_watchers.h"
#include "net/replication/alter_partition_client.h"
#include "net/replication/partition_leader.h"

namespace ringlog {
namespace {

// The longest the lag thread sleeps: how late an acks=all waiter may time out.
constexpr int64_t kMaxTickMs = 50;
// Backoff between AlterPartition attempts that could not reach the controller.
constexpr std::chrono::milliseconds kMinSendBackoff{100};
constexpr std::chrono::milliseconds kMaxSendBackoff{2000};

// The first offset of `epoch` in `log`'s epoch history; the log end when it is not there.
Offset StartOfEpoch(const PartitionLog& log, int32_t epoch) {
  for (const EpochStart& entry : log.leader_epochs()) {
    if (entry.epoch == epoch) return entry.start_offset;
  }
  return log.next_offset();
}

class LeaderReplicasImpl final : public LeaderReplicas {
 public:
  LeaderReplicasImpl(const LeaderReplicasOptions& options, const Clock* clock,
                     std::unique_ptr<AlterPartitionClient> client, PartitionWatchers* watchers)
      : options_(options), clock_(clock), client_(std::move(client)), watchers_(watchers) {
    ticker_ = std::thread([this] { TickLoop(); });
    sender_ = std::thread([this] { SendLoop(); });
  }

  ~LeaderReplicasImpl() override {
    {
      std::lock_guard<std::mutex> lock(tick_mu_);
      std::lock_guard<std::mutex> send_lock(send_mu_);
      stopping_ = true;
    }
    tick_cv_.notify_all();
    send_cv_.notify_all();
    ticker_.join();
    sender_.join();
    Completions left;
    for (auto& [id, entry] : TakeAll()) {
      std::lock_guard<std::mutex> lock(entry->mu);
      entry->stopped = true;
      entry->leader->FailWaiters(ErrorCode::kNotLeaderOrFollower, &left);
    }
    RunPosted();
    Run(left);
  }

  Status BecomeLeader(std::shared_ptr<PartitionLog> log,
                      const LeaderAssignment& assignment) override {
    const PartitionId id = log->id();
    std::shared_ptr<Entry> entry = Find(id);
    if (entry != nullptr && entry->log != log) {
      StopLeading(id);
      entry = nullptr;
    }
    if (entry != nullptr) {
      int32_t held = 0;
      {
        std::lock_guard<std::mutex> lock(entry->mu);
        held = entry->leader->leader_epoch();
      }
      if (assignment.leader_epoch < held) {
        return Status::InvalidArgument("leader epoch " + std::to_string(assignment.leader_epoch) +
                                       " is older than " + std::to_string(held));
      }
      // The log's own locks are taken outside entry->mu: a write's callback holds the log's
      // append lock when it calls OnLeaderWrite.
      Offset epoch_start = 0;
      if (assignment.leader_epoch > held) {
        RETURN_IF_ERROR(log->AssignLeaderEpoch(assignment.leader_epoch));
        epoch_start = StartOfEpoch(*log, assignment.leader_epoch);
      }
      Completions done;
      bool moved = false;
      {
        std::lock_guard<std::mutex> lock(entry->mu);
        PartitionLeader& leader = *entry->leader;
        if (assignment.leader_epoch == held) {
          leader.UpdateState(assignment, clock_->NowMs());
        } else {
          leader.NewEpoch(assignment, epoch_start, clock_->NowMs());
          LOG(INFO) << id.ToString() << " leads at epoch " << assignment.leader_epoch << ", ISR "
                    << FormatIds(leader.isr());
        }
        moved = AdvanceLocked(*entry, &done);
      }
      Finish(id, moved, done);
      return Status::OK();
    }

    RETURN_IF_ERROR(log->AssignLeaderEpoch(assignment.leader_epoch));
    PartitionLeader::Options leader_options;
    leader_options.local_id = options_.broker_id;
    leader_options.replica_lag_time_max_ms = options_.replica_lag_time_max_ms;
    auto fresh = std::make_shared<Entry>();
    fresh->log = log;
    fresh->leader = std::make_unique<PartitionLeader>(id, leader_options, assignment,
                                                      StartOfEpoch(*log, assignment.leader_epoch),
                                                      log->high_watermark(), clock_->NowMs());
    LOG(INFO) << id.ToString() << " leads at epoch " << assignment.leader_epoch << " from offset "
              << log->next_offset() << ", ISR " << FormatIds(assignment.isr) << " of replicas "
              << FormatIds(assignment.replicas);
    Completions done;
    bool moved = false;
    {
      std::lock_guard<std::mutex> lock(fresh->mu);
      moved = AdvanceLocked(*fresh, &done);
    }
    {
      std::unique_lock<std::shared_mutex> lock(map_mu_);
      partitions_[id] = fresh;
    }
    Finish(id, moved, done);
    return Status::OK();
  }

  void UpdateState(const PartitionId& partition, const LeaderAssignment& assignment) override {
    std::shared_ptr<Entry> entry = Find(partition);
    if (entry == nullptr) return;
    Completions done;
    bool moved = false;
    {
      std::lock_guard<std::mutex> lock(entry->mu);
      if (entry->stopped || !entry->leader->UpdateState(assignment, clock_->NowMs())) return;
      moved = AdvanceLocked(*entry, &done);
    }
    Finish(partition, moved, done);
  }

  void StopLeading(const PartitionId& partition) override {
    std::shared_ptr<Entry> entry;
    {
      std::unique_lock<std::shared_mutex> lock(map_mu_);
      auto it = partitions_.find(partition);
      if (it == partitions_.end()) return;
      entry = std::move(it->second);
      partitions_.erase(it);
    }
    Completions done;
    {
      std::lock_guard<std::mutex> lock(entry->mu);
      entry->stopped = true;
      entry->leader->FailWaiters(ErrorCode::kNotLeaderOrFollower, &done);
    }
    LOG(INFO) << partition.ToString() << " no longer led here";
    Run(done);
  }

  bool Leading(const PartitionId& partition) const override { return Find(partition) != nullptr; }

  std::optional<int32_t> LeaderEpoch(const PartitionId& partition) const override {
    std::shared_ptr<Entry> entry = Find(partition);
    if (entry == nullptr) return std::nullopt;
    std::lock_guard<std::mutex> lock(entry->mu);
    if (entry->stopped) return std::nullopt;
    return entry->leader->leader_epoch();
  }

  ErrorCode OnFollowerFetch(const PartitionId& partition, int32_t replica,
                            Offset fetch_offset) override {
    std::shared_ptr<Entry> entry = Find(partition);
    if (entry == nullptr) return ErrorCode::kNotLeaderOrFollower;
    Completions done;
    std::optional<IsrChangeProposal> proposal;
    bool moved = false;
    {
      std::lock_guard<std::mutex> lock(entry->mu);
      if (entry->stopped) return ErrorCode::kNotLeaderOrFollower;
      const ErrorCode error = entry->leader->OnFollowerFetch(
          replica, fetch_offset, entry->log->next_offset(), clock_->NowMs(), &proposal);
      if (error != ErrorCode::kNone) return error;
      moved = AdvanceLocked(*entry, &done);
    }
    if (proposal) Propose(partition, std::move(*proposal));
    Finish(partition, moved, done);
    return ErrorCode::kNone;
  }

  void OnLeaderWrite(const PartitionId& partition) override {
    std::shared_ptr<Entry> entry = Find(partition);
    if (entry == nullptr) return;
    Completions done;
    bool moved = false;
    {
      std::lock_guard<std::mutex> lock(entry->mu);
      if (entry->stopped) return;
      moved = AdvanceLocked(*entry, &done);
    }
    Finish(partition, moved, done);
  }

  ErrorCode CheckInsync(const PartitionId& partition, int32_t min_insync) const override {
    std::shared_ptr<Entry> entry = Find(partition);
    if (entry == nullptr) return ErrorCode::kNotLeaderOrFollower;
    std::lock_guard<std::mutex> lock(entry->mu);
    if (entry->stopped) return ErrorCode::kNotLeaderOrFollower;
    return entry->leader->CheckInsync(min_insync);
  }

  void AwaitHighWatermark(const PartitionId& partition, Offset end, int32_t min_insync,
                          std::chrono::milliseconds timeout,
                          std::function<void(ErrorCode)> done) override {
    Completions ready;
    std::shared_ptr<Entry> entry = Find(partition);
    if (entry == nullptr) {
      ready.push_back({std::move(done), ErrorCode::kNotLeaderOrFollower});
    } else {
      std::lock_guard<std::mutex> lock(entry->mu);
      if (entry->stopped) {
        ready.push_back({std::move(done), ErrorCode::kNotLeaderOrFollower});
      } else {
        entry->leader->AddWaiter(end, min_insync, clock_->NowMs() + timeout.count(),
                                 std::move(done), &ready);
      }
    }
    if (ready.empty()) return;
    {
      std::lock_guard<std::mutex> lock(tick_mu_);
      for (WaiterCompletion& c : ready) posted_.push_back(std::move(c));
    }
    tick_cv_.notify_one();
  }

 private:
  struct Entry {
    std::mutex mu;
    std::shared_ptr<PartitionLog> log;
    // Guarded by mu.
    std::unique_ptr<PartitionLeader> leader;
    bool stopped = false;
  };
  std::shared_ptr<Entry> Find(const PartitionId& partition) const {
    std::shared_lock<std::shared_mutex> lock(map_mu_);
    auto it = partitions_.find(partition);
    return it == partitions_.end() ? nullptr : it->second;
  }

  std::vector<std::pair<PartitionId, std::shared_ptr<Entry>>> Snapshot() const {
    std::shared_lock<std::shared_mutex> lock(map_mu_);
    return {partitions_.begin(), partitions_.end()};
  }

  std::unordered_map<PartitionId, std::shared_ptr<Entry>> TakeAll() {
    std::unique_lock<std::shared_mutex> lock(map_mu_);
    return std::move(partitions_);
  }

  // REQUIRES: entry.mu. Moves the log's high watermark to what the ISR holds; returns
  // whether it moved, with the waiters it finished in `done`.
  bool AdvanceLocked(Entry& entry, Completions* done) {
    PartitionLeader& leader = *entry.leader;
    const Offset candidate = leader.HighWatermarkCandidate(entry.log->next_offset());
    if (candidate <= leader.high_watermark()) return false;
    return leader.HighWatermarkMoved(entry.log->AdvanceHighWatermark(candidate), done);
  }

  // Outside every lock: wakes the fetches waiting for the partition's high watermark and
  // answers the finished waiters.
  void Finish(const PartitionId& partition, bool moved, Completions& done) {
    if (moved && watchers_ != nullptr) {
      watchers_->Notify(partition, PartitionWatchers::Ends::kHighWatermark);
    }
    Run(done);
  }

  static void Run(Completions& done) {
    for (WaiterCompletion& c : done) c.done(c.error);
    done.clear();
  }

  void RunPosted() {
    Completions posted;
    {
      std::lock_guard<std::mutex> lock(tick_mu_);
      posted.swap(posted_);
    }
    Run(posted);
  }

  void Propose(const PartitionId& partition, IsrChangeProposal proposal) {
    {
      std::lock_guard<std::mutex> lock(send_mu_);
      outbox_[partition] = std::move(proposal);
    }
    send_cv_.notify_one();
  }

  // The lag thread: shrinks the ISR every replica.lag.time.max.ms / 2, times waiters out,
  // and answers the waiters AwaitHighWatermark found done at once.
  void TickLoop() {
    const int64_t lag_check_ms = std::max<int64_t>(options_.replica_lag_time_max_ms / 2, 1);
    TimestampMs next_lag_check = clock_->NowMs() + lag_check_ms;
    std::unique_lock<std::mutex> lock(tick_mu_);
    while (!stopping_) {
      lock.unlock();
      RunPosted();
      const TimestampMs now = clock_->NowMs();
      // (A check further away than its period: the wall clock went back.)
      if (now >= next_lag_check || next_lag_check - now > lag_check_ms) {
        CheckLag(now);
        next_lag_check = now + lag_check_ms;
      }
      ExpireWaiters(now);
      lock.lock();
      if (stopping_ || !posted_.empty()) continue;
      const int64_t sleep_ms = std::clamp<int64_t>(next_lag_check - now, 1, kMaxTickMs);
      tick_cv_.wait_for(lock, std::chrono::milliseconds(sleep_ms),
                        [this] { return stopping_ || !posted_.empty(); });
    }
  }

  void CheckLag(TimestampMs now) {
    for (auto& [partition, entry] : Snapshot()) {
      std::optional<IsrChangeProposal> proposal;
      {
        std::lock_guard<std::mutex> lock(entry->mu);
        if (entry->stopped) continue;
        proposal = entry->leader->MaybeShrink(entry->log->next_offset(), now);
      }
      if (proposal) Propose(partition, std::move(*proposal));
    }
  }

  void ExpireWaiters(TimestampMs now) {
    for (auto& [partition, entry] : Snapshot()) {
      Completions done;
      {
        std::lock_guard<std::mutex> lock(entry->mu);
        entry->leader->ExpireWaiters(now, &done);
      }
      Run(done);
    }
  }

  // The sender thread: one AlterPartition at a time with every proposal waiting, sent again
  // after a backoff while the controller cannot be reached.
  void SendLoop() {
    std::chrono::milliseconds backoff = kMinSendBackoff;
    std::unique_lock<std::mutex> lock(send_mu_);
    while (true) {
      send_cv_.wait(lock, [this] { return stopping_ || !outbox_.empty(); });
      if (stopping_) return;
      std::map<PartitionId, IsrChangeProposal> batch;
      batch.swap(outbox_);
      lock.unlock();
      const bool sent = SendBatch(batch);
      lock.lock();
      if (sent) {
        backoff = kMinSendBackoff;
        continue;
      }
      // Newer proposals made meanwhile replace the ones that failed.
      for (auto& [partition, proposal] : batch) outbox_.try_emplace(partition, std::move(proposal));
      send_cv_.wait_for(lock, backoff, [this] { return stopping_; });
      backoff = std::min(backoff * 2, kMaxSendBackoff);
    }
  }

  // Sends the proposals of `batch` still pending; false (leaving them in `batch`) when the
  // controller could not be reached.
  bool SendBatch(std::map<PartitionId, IsrChangeProposal>& batch) {
    std::vector<IsrChange> changes;
    for (auto it = batch.begin(); it != batch.end();) {
      std::shared_ptr<Entry> entry = Find(it->first);
      bool pending = false;
      if (entry != nullptr) {
        std::lock_guard<std::mutex> lock(entry->mu);
        pending = !entry->stopped && entry->leader->Pending(it->second.id);
      }
      if (!pending) {
        it = batch.erase(it);
        continue;
      }
      changes.push_back(IsrChange{it->first, it->second.leader_epoch, it->second.partition_epoch,
                                  it->second.new_isr});
      ++it;
    }
    if (changes.empty()) return true;
    Result<std::vector<IsrChangeAnswer>> answers = client_->Send(changes);
    if (!answers.ok()) {
      LOG(WARNING) << "AlterPartition of " << changes.size()
                   << " partition(s) not sent, will retry: " << answers.status().ToString();
      return false;
    }
    const TimestampMs now = clock_->NowMs();
    for (const IsrChangeAnswer& answer : *answers) {
      auto proposal = batch.find(answer.partition);
      std::shared_ptr<Entry> entry = Find(answer.partition);
      if (proposal == batch.end() || entry == nullptr) continue;
      Completions done;
      bool moved = false;
      {
        std::lock_guard<std::mutex> lock(entry->mu);
        if (entry->stopped) continue;
        if (answer.error == ErrorCode::kNone) {
          entry->leader->OnProposalAccepted(proposal->second.id, answer.state, now);
          moved = AdvanceLocked(*entry, &done);
        } else {
          entry->leader->OnProposalRefused(proposal->second.id, answer.error, now);
        }
      }
      Finish(answer.partition, moved, done);
    }
    return true;
  }

  const LeaderReplicasOptions options_;
  const Clock* const clock_;
  const std::unique_ptr<AlterPartitionClient> client_;
  PartitionWatchers* const watchers_;

  mutable std::shared_mutex map_mu_;
  std::unordered_map<PartitionId, std::shared_ptr<Entry>> partitions_;

  // The lag thread's wake-ups and the completions it is to run.
  std::mutex tick_mu_;
  std::condition_variable tick_cv_;
  Completions posted_;
  // Guarded by both tick_mu_ and send_mu_ (set under both, read under either).
  bool stopping_ = false;

  // The proposals to send, the newest per partition.
  std::mutex send_mu_;
  std::condition_variable send_cv_;
  std::map<PartitionId, IsrChangeProposal> outbox_;

  std::thread ticker_;
  std::thread sender_;
};

}  // namespace

std::unique_ptr<LeaderReplicas> MakeLeaderReplicas(const LeaderReplicasOptions& options,
                                                   const Clock* clock,
                                                   std::unique_ptr<AlterPartitionClient> client,
                                                   PartitionWatchers* watchers) {
  return std::make_unique<LeaderReplicasImpl>(options, clock, std::move(client), watchers);
}

std::unique_ptr<LeaderReplicas> MakeLeaderReplicas(const LeaderReplicasOptions& options,
                                                   const Clock* clock, ClusterView* cluster,
                                                   PartitionWatchers* watchers) {
  return MakeLeaderReplicas(
      options, clock,
      MakeAlterPartitionClient(options.broker_id, cluster, options.alter_partition_timeout),
      watchers);
}

}  // namespace ringlog
