// A GroupCoordinator over the in-memory backend and a ManualClock, with helpers that play
// group members: joins and syncs whose answers are captured for inspection, and a helper
// that brings a group of N members to Stable. Test code only.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/clock.h"
#include "engine/group/group_coordinator.h"
#include "engine/group/offset_store.h"
#include "engine/log/log_manager.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_backends.h"

namespace ringlog::testing {

inline constexpr char kGroup[] = "g";
inline constexpr int32_t kSessionMs = 10000;
inline constexpr int32_t kRebalanceMs = 20000;
inline constexpr int64_t kInitialDelayMs = 100;

// An answer that may not have arrived yet.
template <typename T>
using Pending = std::shared_ptr<std::optional<T>>;

class GroupTest : public ::testing::Test {
 protected:
  void SetUp() override { Start(kInitialDelayMs); }

  // (Re)creates the coordinator with a fresh offsets store on the same logs.
  void Start(int64_t initial_delay_ms) {
    groups_.reset();
    initial_delay_ms_ = initial_delay_ms;
    if (logs_ == nullptr) {
      const Status opened = OpenTestLogs("mem", dir_.path(), {}, &clock_, &backend_, &logs_);
      ASSERT_TRUE(opened.ok()) << opened.ToString();
      ASSERT_TRUE(logs_->CreateTopic("t", 3, {}).ok());
    }
    Result<std::unique_ptr<OffsetStore>> store =
        OffsetStore::Open(logs_.get(), nullptr, &clock_, OffsetStoreOptions());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    GroupCoordinatorOptions options;
    options.initial_rebalance_delay_ms = initial_delay_ms;
    groups_ = std::make_unique<GroupCoordinator>(std::move(*store), &clock_, options);
  }

  void TearDown() override {
    groups_.reset();
    if (logs_ != nullptr) {
      EXPECT_TRUE(logs_->Close().ok());
    }
  }

  static JoinGroupParams Params(const std::string& member_id,
                                std::vector<std::string> protocols = {"range"}) {
    JoinGroupParams params;
    params.group_id = kGroup;
    params.member_id = member_id;
    params.client_id = "client";
    params.client_host = "/127.0.0.1";
    params.session_timeout_ms = kSessionMs;
    params.rebalance_timeout_ms = kRebalanceMs;
    params.protocol_type = "consumer";
    for (const std::string& name : protocols) {
      params.protocols.push_back({name, "meta-" + name + "-" + member_id});
    }
    return params;
  }

  Pending<JoinGroupResult> Join(const JoinGroupParams& params) {
    auto result = std::make_shared<std::optional<JoinGroupResult>>();
    groups_->JoinGroup(params, [result](const JoinGroupResult& r) {
      EXPECT_FALSE(result->has_value()) << "join answered twice";
      *result = r;
    });
    return result;
  }

  Pending<SyncGroupResult> Sync(const std::string& member_id, int32_t generation,
                                std::vector<SyncGroupParams::Assignment> assignments = {},
                                std::optional<std::string> instance_id = std::nullopt) {
    SyncGroupParams params;
    params.group_id = kGroup;
    params.generation_id = generation;
    params.member_id = member_id;
    params.group_instance_id = std::move(instance_id);
    params.assignments = std::move(assignments);
    auto result = std::make_shared<std::optional<SyncGroupResult>>();
    groups_->SyncGroup(params, [result](const SyncGroupResult& r) {
      EXPECT_FALSE(result->has_value()) << "sync answered twice";
      *result = r;
    });
    return result;
  }

  GroupError Heartbeat(const std::string& member_id, int32_t generation,
                       std::optional<std::string> instance_id = std::nullopt) {
    return groups_->Heartbeat(kGroup, MemberRef{member_id, std::move(instance_id)}, generation);
  }

  // Moves the clock and runs the coordinator's timers.
  void Advance(int64_t ms) {
    clock_.Advance(ms);
    groups_->Tick();
  }

  // A first join (no member id) that completes the rebalance for a group whose other
  // members are all waiting; returns the answer.
  JoinGroupResult JoinNow(const JoinGroupParams& params) {
    Pending<JoinGroupResult> result = Join(params);
    EXPECT_TRUE(result->has_value()) << "join did not complete";
    return result->value_or(JoinGroupResult{});
  }

  // Brings `count` members (instance ids `instances[i]` when given) through a rebalance
  // and the leader's SyncGroup, assigning "assignment-<i>" to the i-th member id in id
  // order. Returns the member ids (in id order); sets *generation. REQUIRES: a new group
  // and an initial rebalance delay, so that every member joins the first rebalance.
  std::vector<std::string> StableGroup(int count, int32_t* generation,
                                       const std::vector<std::string>& instances = {}) {
    std::vector<Pending<JoinGroupResult>> joins;
    for (int i = 0; i < count; ++i) {
      JoinGroupParams params = Params("");
      if (i < static_cast<int>(instances.size())) params.group_instance_id = instances[i];
      joins.push_back(Join(params));
    }
    if (!joins.back()->has_value()) Advance(initial_delay_ms_);
    std::vector<std::string> ids;
    std::string leader;
    for (const auto& join : joins) {
      EXPECT_TRUE(join->has_value());
      if (!join->has_value()) return {};
      EXPECT_EQ((*join)->error, GroupError::kNone);
      ids.push_back((*join)->member_id);
      leader = (*join)->leader_id;
      *generation = (*join)->generation_id;
    }
    std::sort(ids.begin(), ids.end());
    std::vector<SyncGroupParams::Assignment> assignments;
    for (size_t i = 0; i < ids.size(); ++i) {
      assignments.push_back({ids[i], "assignment-" + std::to_string(i)});
    }
    std::vector<Pending<SyncGroupResult>> syncs;
    for (const std::string& id : ids) {
      if (id != leader) syncs.push_back(Sync(id, *generation));
    }
    syncs.push_back(Sync(leader, *generation, assignments));
    for (const auto& sync : syncs) {
      EXPECT_TRUE(sync->has_value());
      if (sync->has_value()) {
        EXPECT_EQ((*sync)->error, GroupError::kNone);
      }
    }
    EXPECT_EQ(groups_->DescribeGroup(kGroup).state, GroupState::kStable);
    return ids;
  }

  // Commits offset `offset` of t-0 for `member`; the outcome of that partition.
  GroupError Commit(const std::string& group, int32_t generation, const std::string& member,
                    Offset offset, std::optional<std::string> metadata = std::nullopt) {
    OffsetCommitParams params;
    params.group_id = group;
    params.generation_id = generation;
    params.member.member_id = member;
    params.offsets[PartitionId{"t", 0}] =
        CommittedOffset{offset, -1, std::move(metadata), clock_.NowMs()};
    std::optional<GroupError> error;
    groups_->CommitOffsets(params, [&](const std::map<PartitionId, GroupError>& outcome) {
      error = outcome.at(PartitionId{"t", 0});
    });
    EXPECT_TRUE(error.has_value()) << "commit not answered";
    return error.value_or(GroupError::kCoordinatorNotAvailable);
  }

  ManualClock clock_{1'000'000};
  int64_t initial_delay_ms_ = 0;
  TempDir dir_;
  std::unique_ptr<StorageBackend> backend_;
  std::unique_ptr<LogManager> logs_;
  std::unique_ptr<GroupCoordinator> groups_;
};

}  // namespace ringlog::testing
