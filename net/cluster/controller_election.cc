// The controller's elections beyond the reconcile pass's: broker epochs (which brokers
// registered since a partition's state was written), unclean.leader.election.enable, the
// preferred-leader rebalance and ElectLeaders (API 43). The decisions themselves are pure
// (partition_election.h); this file reads what they go by and writes what they decide, each
// write one fenced multi-op conditional on the state's version.
#include <glog/logging.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "net/cluster/controller.h"
#include "net/cluster/znodes.h"

namespace ringlog {
namespace {

constexpr std::string_view kUncleanConfig = "unclean.leader.election.enable";

bool IsTrue(std::string value) {
  std::transform(value.begin(), value.end(), value.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return value == "true";
}

// One partition as read for an election.
struct ReadPartition {
  std::vector<int32_t> replicas;
  std::optional<znodes::PartitionState> state;
  ZkStat stat;  // of the state, when there is one
};

}  // namespace

ZkStatus Controller::ReadRegistrations(const std::set<int32_t>& live) {
  registrations_.clear();
  for (int32_t broker : live) {
    ZkStat stat;
    const ZkStatus there = zk_->Exists(znodes::BrokerPath(broker), &stat, false);
    if (there.ok()) {
      registrations_[broker] = stat.czxid;
    } else if (there.code != ZkCode::kNoNode) {
      return there;
    }
  }
  return {};
}

ElectionInputs Controller::InputsFor(const std::string& topic, const std::set<int32_t>& live,
                                     int64_t state_zxid) {
  ElectionInputs inputs{
      .live = live, .shutting_down = ShuttingDown(), .controller_epoch = epoch_.load()};
  auto [cached, fresh] =
      unclean_topics_.try_emplace(topic, options_.unclean_leader_election_enable);
  if (fresh) {
    std::string json;
    ZkStat stat;
    const ZkStatus read = zk_->Get(znodes::TopicConfigPath(topic), &json, &stat, false);
    if (read.ok()) {
      Result<ConfigMap> configs = znodes::DecodeTopicConfig(json);
      if (configs.ok()) {
        auto set = configs->find(std::string(kUncleanConfig));
        if (set != configs->end()) cached->second = IsTrue(set->second);
      }
    } else if (read.code != ZkCode::kNoNode) {
      LOG(WARNING) << "topic " << topic << ": " << read.message << "; " << kUncleanConfig
                   << " taken as the broker default";
    }
  }
  inputs.unclean = cached->second;
  // A broker registered after the state was written is in it by an earlier incarnation.
  if (state_zxid > 0) {
    for (const auto& [broker, registered] : registrations_) {
      if (registered > state_zxid) inputs.restarted.insert(broker);
    }
  }
  return inputs;
}

ZkStatus Controller::WriteElection(const std::string& topic, int32_t partition,
                                   const std::vector<int32_t>& replicas,
                                   const std::optional<znodes::PartitionState>& current,
                                   const ZkStat& stat, const znodes::PartitionState& next,
                                   const std::string& why) {
  const ZkStatus written =
      FencedMulti({ZkOp::SetData(znodes::PartitionStatePath(topic, partition),
                                 znodes::EncodePartitionState(next), stat.version)});
  if (written.ok()) {
    LOG(INFO) << "partition " << topic << "-" << partition << ": leader "
              << (current ? current->leader : -1) << " -> " << next.leader << " (" << why
              << "), ISR " << IsrText(next.isr) << " of replicas " << IsrText(replicas)
              << ", leader_epoch " << next.leader_epoch << ", controller epoch "
              << next.controller_epoch;
  }
  return written;
}

int Controller::RebalanceLeaders() {
  std::lock_guard lock(work_mu_);
  if (!active_ || session_gone_) return 0;
  std::set<int32_t> live;
  std::vector<std::string> topics;
  ZkStatus status = LiveBrokers(&live, false);
  if (status.ok()) status = ReadRegistrations(live);
  if (status.ok()) status = zk_->GetChildren(std::string(znodes::kTopics), &topics, false);
  if (!status.ok()) {
    if (status.code != ZkCode::kNoNode) LOG(WARNING) << "leader rebalance: " << status.message;
    return 0;
  }
  unclean_topics_.clear();
  // Per preferred replica: the partitions it should lead, and those it does not.
  std::map<int32_t, int> preferred_of;
  std::map<int32_t, std::vector<std::pair<std::string, int32_t>>> not_led;
  std::map<std::pair<std::string, int32_t>, ReadPartition> read;
  for (const std::string& topic : topics) {
    std::string json;
    ZkStat stat;
    if (!zk_->Get(znodes::TopicPath(topic), &json, &stat, false).ok()) continue;
    Result<znodes::TopicAssignment> assignment = znodes::DecodeTopicAssignment(json);
    if (!assignment.ok()) continue;
    for (const auto& [partition, replicas] : assignment->partitions) {
      // A partition being moved gets its leader from the reassignment (as in Kafka).
      if (replicas.empty() || assignment->adding.contains(partition) ||
          assignment->removing.contains(partition)) {
        continue;
      }
      ReadPartition one{.replicas = replicas};
      const ZkStatus got =
          zk_->Get(znodes::PartitionStatePath(topic, partition), &json, &one.stat, false);
      if (!got.ok()) continue;
      Result<znodes::PartitionState> state = znodes::DecodePartitionState(json);
      if (!state.ok()) continue;
      one.state = *state;
      const int32_t preferred = replicas.front();
      ++preferred_of[preferred];
      if (state->leader != preferred) not_led[preferred].emplace_back(topic, partition);
      read.emplace(std::make_pair(topic, partition), std::move(one));
    }
  }
  int moved = 0;
  for (const auto& [broker, partitions] : not_led) {
    const int imbalance = static_cast<int>(partitions.size() * 100 / preferred_of[broker]);
    if (imbalance <= options_.leader_imbalance_per_broker_percentage) continue;
    const int moved_before = moved;
    for (const auto& [topic, partition] : partitions) {
      const ReadPartition& one = read.at({topic, partition});
      const ElectionDecision decision =
          ElectPreferred(one.replicas, one.state, InputsFor(topic, live, one.stat.mzxid));
      if (decision.error != ErrorCode::kNone) continue;
      const ZkStatus written = WriteElection(topic, partition, one.replicas, one.state, one.stat,
                                             *decision.state, "preferred leader rebalance");
      if (!active_) return moved;
      if (written.ok()) ++moved;
    }
    if (moved > moved_before) {
      LOG(INFO) << "controller epoch " << epoch_.load() << ": broker " << broker << " led "
                << preferred_of[broker] - static_cast<int>(partitions.size()) << " of the "
                << preferred_of[broker] << " partitions it is the preferred leader of; "
                << moved - moved_before << " moved back to it";
    }
  }
  return moved;
}

ElectLeadersOutcome Controller::ElectLeaders(
    ElectionType type, const std::optional<std::vector<ElectionTopic>>& partitions) {
  std::lock_guard lock(work_mu_);
  const std::string what = "electing leaders";
  auto fail = [&](const ZkStatus& zk) {
    const AdminOutcome refused = FromZk(zk, what);
    return ElectLeadersOutcome{refused.error, refused.message, {}};
  };
  if (!active_) return fail({});
  std::set<int32_t> live;
  if (ZkStatus listed = LiveBrokers(&live, false); !listed.ok()) return fail(listed);
  if (ZkStatus registered = ReadRegistrations(live); !registered.ok()) return fail(registered);
  unclean_topics_.clear();

  // The partitions asked for, by topic; every one of every topic when none are named.
  std::vector<ElectionTopic> asked;
  if (partitions) {
    asked = *partitions;
  } else {
    std::vector<std::string> topics;
    const ZkStatus listed = zk_->GetChildren(std::string(znodes::kTopics), &topics, false);
    if (!listed.ok() && listed.code != ZkCode::kNoNode) return fail(listed);
    for (std::string& topic : topics) asked.push_back({std::move(topic), {}});
  }
  ElectLeadersOutcome outcome;
  for (const ElectionTopic& topic : asked) {
    std::string json;
    ZkStat stat;
    const ZkStatus got = zk_->Get(znodes::TopicPath(topic.topic), &json, &stat, false);
    if (!got.ok() && got.code != ZkCode::kNoNode) return fail(got);
    std::optional<znodes::TopicAssignment> assignment;
    if (got.ok()) {
      Result<znodes::TopicAssignment> decoded = znodes::DecodeTopicAssignment(json);
      if (decoded.ok()) assignment = std::move(*decoded);
    }
    std::vector<int32_t> indexes = topic.partitions;
    if (!partitions && assignment) {
      for (const auto& [partition, replicas] : assignment->partitions) indexes.push_back(partition);
    }
    for (int32_t partition : indexes) {
      ElectLeadersOutcome::Partition& result =
          outcome.partitions.emplace_back(ElectLeadersOutcome::Partition{topic.topic, partition});
      const std::vector<int32_t>* replicas = nullptr;
      if (assignment) {
        auto found = assignment->partitions.find(partition);
        if (found != assignment->partitions.end()) replicas = &found->second;
      }
      if (replicas == nullptr) {
        result.error = ErrorCode::kUnknownTopicOrPartition;
        result.message =
            "partition " + topic.topic + "-" + std::to_string(partition) + " does not exist";
        continue;
      }
      ReadPartition one{.replicas = *replicas};
      const ZkStatus state_read =
          zk_->Get(znodes::PartitionStatePath(topic.topic, partition), &json, &one.stat, false);
      if (!state_read.ok() && state_read.code != ZkCode::kNoNode) return fail(state_read);
      if (state_read.ok()) {
        Result<znodes::PartitionState> state = znodes::DecodePartitionState(json);
        if (state.ok()) one.state = *state;
      }
      const ElectionInputs inputs = InputsFor(topic.topic, live, one.state ? one.stat.mzxid : 0);
      const ElectionDecision decision = type == ElectionType::kPreferred
                                            ? ElectPreferred(one.replicas, one.state, inputs)
                                            : ElectUnclean(one.replicas, one.state, inputs);
      result.error = decision.error;
      result.message = decision.message;
      if (decision.error != ErrorCode::kNone) continue;
      if (!one.state) {
        // No state to write over: the reconcile pass makes the first one.
        result.error = ErrorCode::kEligibleLeadersNotAvailable;
        result.message = "the partition has no state yet";
        continue;
      }
      if (IsUncleanElection(one.state, *decision.state)) {
        LOG(WARNING) << "partition " << topic.topic << "-" << partition
                     << ": unclean election of broker " << decision.state->leader
                     << " asked for (ElectLeaders): acknowledged records may be lost";
      }
      const ZkStatus written =
          WriteElection(topic.topic, partition, one.replicas, one.state, one.stat, *decision.state,
                        type == ElectionType::kPreferred ? "preferred election asked for"
                                                         : "unclean election asked for");
      if (written.code == ZkCode::kBadVersion && active_) {
        result.error = ErrorCode::kRequestTimedOut;
        result.message = "the partition's state changed meanwhile; try again";
        continue;
      }
      if (!written.ok()) return fail(written);
      result.leader = decision.state->leader;
    }
  }
  if (!partitions) {
    // Asked for everything: only the partitions where an election was due are reported.
    std::erase_if(outcome.partitions, [](const ElectLeadersOutcome::Partition& p) {
      return p.error == ErrorCode::kElectionNotNeeded;
    });
  }
  return outcome;
}

}  // namespace ringlog
