// A fake of the leader side of replication for handler tests: answers from what a test
// sets, records the data path's calls, and holds acks=all waits until the test completes
// them. Header-only; test code only.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "engine/types.h"
#include "net/replication/leader_replicas.h"

namespace ringlog::testing {

class FakeLeaderReplicas final : public LeaderReplicas {
 public:
  struct FollowerFetch {
    std::string partition;
    int32_t replica = -1;
    Offset fetch_offset = -1;
  };
  struct Await {
    std::string partition;
    Offset end = -1;
    int32_t min_insync = 0;
    std::chrono::milliseconds timeout{0};
    std::function<void(ErrorCode)> done;
  };

  Status BecomeLeader(std::shared_ptr<PartitionLog>, const LeaderAssignment&) override {
    return Status::OK();
  }
  void UpdateState(const PartitionId&, const LeaderAssignment&) override {}
  void StopLeading(const PartitionId&) override {}
  bool Leading(const PartitionId& partition) const override {
    return LeaderEpoch(partition).has_value();
  }
  std::optional<int32_t> LeaderEpoch(const PartitionId& partition) const override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = epochs_.find(partition.ToString());
    if (it == epochs_.end()) return std::nullopt;
    return it->second;
  }
  ErrorCode OnFollowerFetch(const PartitionId& partition, int32_t replica,
                            Offset fetch_offset) override {
    std::lock_guard<std::mutex> lock(mu_);
    follower_fetches_.push_back({partition.ToString(), replica, fetch_offset});
    return replicas_[partition.ToString()].contains(replica) ? ErrorCode::kNone
                                                             : ErrorCode::kNotLeaderOrFollower;
  }
  void OnLeaderWrite(const PartitionId& partition) override {
    std::lock_guard<std::mutex> lock(mu_);
    leader_writes_.push_back(partition.ToString());
  }
  ErrorCode CheckInsync(const PartitionId& partition, int32_t min_insync) const override {
    std::lock_guard<std::mutex> lock(mu_);
    insync_checks_.emplace_back(partition.ToString(), min_insync);
    return insync_answer_;
  }
  void AwaitHighWatermark(const PartitionId& partition, Offset end, int32_t min_insync,
                          std::chrono::milliseconds timeout,
                          std::function<void(ErrorCode)> done) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      awaits_.push_back({partition.ToString(), end, min_insync, timeout, std::move(done)});
    }
    cv_.notify_all();
  }

  // This broker leads `partition` at `epoch`; `replicas` may fetch from it.
  void Lead(const PartitionId& partition, int32_t epoch, std::set<int32_t> replicas) {
    std::lock_guard<std::mutex> lock(mu_);
    epochs_[partition.ToString()] = epoch;
    replicas_[partition.ToString()] = std::move(replicas);
  }
  void SetInsyncAnswer(ErrorCode answer) {
    std::lock_guard<std::mutex> lock(mu_);
    insync_answer_ = answer;
  }
  // Waits (up to 5 s) for `count` acks=all waits; returns them without their callbacks run.
  std::vector<Await*> WaitForAwaits(size_t count) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, std::chrono::seconds(5), [&] { return awaits_.size() >= count; });
    std::vector<Await*> out;
    for (Await& a : awaits_) out.push_back(&a);
    return out;
  }
  std::vector<FollowerFetch> follower_fetches() const {
    std::lock_guard<std::mutex> lock(mu_);
    return follower_fetches_;
  }
  std::vector<std::string> leader_writes() const {
    std::lock_guard<std::mutex> lock(mu_);
    return leader_writes_;
  }
  std::vector<std::pair<std::string, int32_t>> insync_checks() const {
    std::lock_guard<std::mutex> lock(mu_);
    return insync_checks_;
  }
  size_t await_count() const {
    std::lock_guard<std::mutex> lock(mu_);
    return awaits_.size();
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, int32_t> epochs_;
  std::map<std::string, std::set<int32_t>> replicas_;
  ErrorCode insync_answer_ = ErrorCode::kNone;
  std::vector<FollowerFetch> follower_fetches_;
  std::vector<std::string> leader_writes_;
  mutable std::vector<std::pair<std::string, int32_t>> insync_checks_;
  std::vector<Await> awaits_;  // std::vector: the test reads them after they stop growing
};

}  // namespace ringlog::testing
