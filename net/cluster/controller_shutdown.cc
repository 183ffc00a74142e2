// The controller's side of ControlledShutdown: a broker about to stop joins the set of
// brokers in controlled shutdown, which the reconciliation passes hand to the election
// (ElectionInputs::shutting_down): its leaderships move to other live ISR members and it
// leaves the ISRs that keep another live member. The pass runs at once, on the controller's
// thread, so that the answer can name what the broker still leads: the partitions where it
// is the last live member in sync, which stay with it until it stops. The set forgets a
// broker when its registration goes (it stopped) or changes (it came back).
#include <glog/logging.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "net/cluster/controller.h"
#include "net/cluster/znodes.h"

namespace ringlog {

void Controller::ControlledShutdownAsync(
    int32_t broker_id, int64_t broker_epoch,
    std::function<void(const ControlledShutdownOutcome&)> done) {
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      jobs_.push_back([this, broker_id, broker_epoch, done = std::move(done)] {
        done(ControlledShutdown(broker_id, broker_epoch));
      });
      wake_.notify_one();
      return;
    }
  }
  done({ErrorCode::kNotController,
        "broker " + std::to_string(options_.broker_id) + " is no longer the controller",
        {}});
}

ControlledShutdownOutcome Controller::ControlledShutdown(int32_t broker_id, int64_t broker_epoch) {
  std::lock_guard lock(work_mu_);
  const std::string what = "the controlled shutdown of broker " + std::to_string(broker_id);
  auto fail = [](const AdminOutcome& refused) {
    return ControlledShutdownOutcome{refused.error, refused.message, {}};
  };
  if (!active_) return fail(FromZk({}, what));
  ZkStat registration;
  const ZkStatus registered = zk_->Exists(znodes::BrokerPath(broker_id), &registration, false);
  if (registered.code == ZkCode::kNoNode) {
    LOG(WARNING) << "controller epoch " << epoch_.load() << " refuses " << what
                 << ": it is not registered";
    return fail({ErrorCode::kBrokerNotAvailable,
                 "broker " + std::to_string(broker_id) + " is not registered"});
  }
  if (!registered.ok()) return fail(FromZk(registered, what));
  if (broker_epoch != -1 && registration.czxid != broker_epoch) {
    LOG(WARNING) << "controller epoch " << epoch_.load() << " refuses " << what
                 << " at broker epoch " << broker_epoch << ": its registration is at "
                 << registration.czxid;
    return fail({ErrorCode::kStaleBrokerEpoch, "broker " + std::to_string(broker_id) +
                                                   " is not registered at broker epoch " +
                                                   std::to_string(broker_epoch)});
  }
  if (shutting_down_.insert_or_assign(broker_id, registration.czxid).second) {
    LOG(INFO) << "controller epoch " << epoch_.load() << ": broker " << broker_id
              << " is shutting down; moving its leaderships";
  }
  const PassResult moved = Reconcile();
  if (moved != PassResult::kDone || !active_) {
    // A pass that ZooKeeper failed is tried again; the broker asks again meanwhile.
    if (moved == PassResult::kRetry) Notify();
    if (!active_) return fail(FromZk({}, what));
    return fail({ErrorCode::kRequestTimedOut, what + ": ZooKeeper failed the pass"});
  }
  ControlledShutdownOutcome outcome;
  if (const ZkStatus read = LedBy(broker_id, &outcome.remaining); !read.ok()) {
    return fail(FromZk(read, what));
  }
  LOG(INFO) << "controller epoch " << epoch_.load() << ": broker " << broker_id
            << " in controlled shutdown still leads " << outcome.remaining.size()
            << " partition(s) with no other live member in sync";
  return outcome;
}

ZkStatus Controller::ForgetGoneShuttingDown(const std::set<int32_t>& live) {
  for (auto it = shutting_down_.begin(); it != shutting_down_.end();) {
    bool gone = !live.contains(it->first);
    if (!gone) {
      ZkStat registration;
      const ZkStatus there = zk_->Exists(znodes::BrokerPath(it->first), &registration, false);
      if (!there.ok() && there.code != ZkCode::kNoNode) return there;
      gone = !there.ok() || registration.czxid != it->second;
    }
    if (gone) {
      LOG(INFO) << "controller epoch " << epoch_.load() << ": broker " << it->first
                << " is no longer in controlled shutdown (its registration "
                << (live.contains(it->first) ? "changed" : "went") << ")";
      it = shutting_down_.erase(it);
    } else {
      ++it;
    }
  }
  return ZkStatus{};
}

std::set<int32_t> Controller::ShuttingDown() const {
  std::set<int32_t> ids;
  for (const auto& [id, czxid] : shutting_down_) ids.insert(id);
  return ids;
}

std::set<int32_t> Controller::MayLead(const std::set<int32_t>& live) const {
  std::set<int32_t> ids;
  for (int32_t id : live) {
    if (!shutting_down_.contains(id)) ids.insert(id);
  }
  return ids;
}

bool Controller::MayBeInIsr(int32_t broker, const std::vector<int32_t>& isr) const {
  return !shutting_down_.contains(broker) || std::find(isr.begin(), isr.end(), broker) != isr.end();
}

ZkStatus Controller::LedBy(int32_t broker, std::vector<PartitionId>* led) {
  std::vector<std::string> topics;
  ZkStatus status = zk_->GetChildren(std::string(znodes::kTopics), &topics, false);
  if (status.code == ZkCode::kNoNode) return ZkStatus{};
  if (!status.ok()) return status;
  for (const std::string& topic : topics) {
    std::string json;
    ZkStat stat;
    status = zk_->Get(znodes::TopicPath(topic), &json, &stat, false);
    if (status.code == ZkCode::kNoNode) continue;
    if (!status.ok()) return status;
    Result<znodes::TopicAssignment> assignment = znodes::DecodeTopicAssignment(json);
    if (!assignment.ok()) continue;
    for (const auto& [partition, replicas] : assignment->partitions) {
      if (std::find(replicas.begin(), replicas.end(), broker) == replicas.end()) continue;
      status = zk_->Get(znodes::PartitionStatePath(topic, partition), &json, &stat, false);
      if (status.code == ZkCode::kNoNode) continue;
      if (!status.ok()) return status;
      Result<znodes::PartitionState> state = znodes::DecodePartitionState(json);
      if (state.ok() && state->leader == broker) led->push_back(PartitionId{topic, partition});
    }
  }
  return ZkStatus{};
}

}  // namespace ringlog
