// Fakes of the cluster for handler tests: a ClusterView whose snapshot, leadership,
// controller role and forwarding a test sets, and a ClusterAdmin that records its calls.
// Header-only; test code only.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "engine/status.h"
#include "engine/types.h"
#include "net/cluster/cluster_admin.h"
#include "net/cluster/cluster_view.h"

namespace ringlog::testing {

class FakeClusterView final : public ClusterView {
 public:
  using Forward = std::function<Result<std::string>(std::string_view frame)>;

  std::shared_ptr<const ClusterSnapshot> Snapshot() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return snapshot_;
  }
  bool Leads(const PartitionId& partition) const override {
    std::lock_guard<std::mutex> lock(mu_);
    return led_.contains(partition.ToString());
  }
  ClusterAdmin* admin() override { return admin_; }
  Result<std::string> ForwardToController(std::string_view request_frame,
                                          std::chrono::milliseconds timeout) override {
    forward_timeouts.push_back(timeout);
    forwarded.emplace_back(request_frame);
    if (!forward_) return Status::Busy("no controller");
    return forward_(request_frame);
  }
  bool WaitForSnapshot(const std::function<bool(const ClusterSnapshot&)>& ready,
                       std::chrono::milliseconds timeout) override {
    ++waits;
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return ready(*snapshot_); });
  }

  // Publishes a new snapshot (wakes WaitForSnapshot).
  void SetSnapshot(ClusterSnapshot snapshot) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      snapshot_ = std::make_shared<const ClusterSnapshot>(std::move(snapshot));
    }
    cv_.notify_all();
  }
  void SetLeads(const PartitionId& partition) {
    std::lock_guard<std::mutex> lock(mu_);
    led_.insert(partition.ToString());
  }
  void SetAdmin(ClusterAdmin* admin) { admin_ = admin; }
  void SetForward(Forward forward) { forward_ = std::move(forward); }

  // What the handlers did; read after their response arrived.
  std::vector<std::string> forwarded;
  std::vector<std::chrono::milliseconds> forward_timeouts;
  int waits = 0;

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::shared_ptr<const ClusterSnapshot> snapshot_ = std::make_shared<const ClusterSnapshot>();
  std::set<std::string> led_;
  ClusterAdmin* admin_ = nullptr;
  Forward forward_;
};

// Records every call and answers `outcome`; the hooks (on_create, on_delete, on_alter)
// may publish a successful change to a FakeClusterView, as the controller's znodes would.
class FakeClusterAdmin final : public ClusterAdmin {
 public:
  AdminOutcome CreateTopic(const NewTopic& topic, bool validate_only) override {
    created.push_back(topic);
    validate_only_seen.push_back(validate_only);
    if (on_create && outcome.ok() && !validate_only) on_create(topic);
    return outcome;
  }
  AdminOutcome DeleteTopic(const std::string& name) override {
    deleted.push_back(name);
    if (on_delete && outcome.ok()) on_delete(name);
    return outcome;
  }
  AdminOutcome CreatePartitions(const std::string& name, int32_t total,
                                const std::vector<std::vector<int32_t>>& assignments,
                                bool validate_only) override {
    grown.emplace_back(name, total);
    (void)assignments;
    validate_only_seen.push_back(validate_only);
    return outcome;
  }
  AdminOutcome AlterTopicConfigs(const std::string& name, const ConfigMap& configs,
                                 bool validate_only) override {
    altered.emplace_back(name, configs);
    validate_only_seen.push_back(validate_only);
    if (on_alter && outcome.ok() && !validate_only) on_alter(name, configs);
    return outcome;
  }

  void AlterPartitionAsync(int32_t broker_id, int64_t broker_epoch,
                           std::vector<IsrProposal> proposals,
                           std::function<void(const AlterPartitionOutcome&)> done) override {
    (void)broker_id;
    (void)broker_epoch;
    (void)proposals;
    done({outcome.error, outcome.message, {}});
  }
  ReassignmentOutcome AlterPartitionReassignments(
      const std::vector<ReassignmentTarget>& targets) override {
    return {outcome.error, outcome.message,
            std::vector<ReassignmentOutcome::Result>(outcome.ok() ? targets.size() : 0)};
  }
  ReassignmentListing ListPartitionReassignments(
      const std::optional<std::map<std::string, std::vector<int32_t>>>& partitions) override {
    (void)partitions;
    return {outcome.error, outcome.message, {}};
  }
  void ControlledShutdownAsync(
      int32_t broker_id, int64_t broker_epoch,
      std::function<void(const ControlledShutdownOutcome&)> done) override {
    (void)broker_id;
    (void)broker_epoch;
    done({outcome.error, outcome.message, {}});
  }

  ElectLeadersOutcome ElectLeaders(
      ElectionType type, const std::optional<std::vector<ElectionTopic>>& partitions) override {
    (void)type;
    (void)partitions;
    return {outcome.error, outcome.message, {}};
  }

  AdminOutcome outcome;
  std::function<void(const NewTopic&)> on_create;
  std::function<void(const std::string&)> on_delete;
  std::function<void(const std::string&, const ConfigMap&)> on_alter;
  std::vector<NewTopic> created;
  std::vector<std::string> deleted;
  std::vector<std::pair<std::string, int32_t>> grown;
  std::vector<std::pair<std::string, ConfigMap>> altered;
  std::vector<bool> validate_only_seen;
};

}  // namespace ringlog::testing
