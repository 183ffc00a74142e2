#include "net/cluster/reassignment.h"

#include <algorithm>

namespace ringlog {
namespace {

bool Contains(const std::vector<int32_t>& brokers, int32_t broker) {
  return std::find(brokers.begin(), brokers.end(), broker) != brokers.end();
}

// The members of `from` not in `less`, in `from`'s order.
std::vector<int32_t> Without(const std::vector<int32_t>& from, const std::vector<int32_t>& less) {
  std::vector<int32_t> kept;
  for (int32_t broker : from) {
    if (!Contains(less, broker)) kept.push_back(broker);
  }
  return kept;
}

std::vector<int32_t> EntryOf(const std::map<int32_t, std::vector<int32_t>>& lists,
                             int32_t partition) {
  auto found = lists.find(partition);
  return found == lists.end() ? std::vector<int32_t>{} : found->second;
}

// The replicas `partition` had before its move (all of them when it is not moving).
std::vector<int32_t> Origin(const znodes::TopicAssignment& assignment, int32_t partition) {
  return Without(EntryOf(assignment.partitions, partition), EntryOf(assignment.adding, partition));
}

std::string Ids(const std::vector<int32_t>& brokers) {
  std::string text;
  for (int32_t broker : brokers) text += (text.empty() ? "" : ", ") + std::to_string(broker);
  return "[" + text + "]";
}

}  // namespace

std::string TargetProblem(const std::vector<int32_t>& replicas, const std::set<int32_t>& live) {
  if (replicas.empty()) return "the replica list is empty";
  std::set<int32_t> seen;
  std::vector<int32_t> unknown;
  for (int32_t broker : replicas) {
    if (!seen.insert(broker).second) {
      return "broker " + std::to_string(broker) + " is named twice in " + Ids(replicas);
    }
    if (!live.contains(broker)) unknown.push_back(broker);
  }
  if (!unknown.empty()) {
    return "the replicas " + Ids(unknown) + " are not registered brokers (registered: " +
           Ids(std::vector<int32_t>(live.begin(), live.end())) + ")";
  }
  return {};
}

void StartMove(znodes::TopicAssignment& assignment, int32_t partition,
               const std::vector<int32_t>& target) {
  const std::vector<int32_t> origin = Origin(assignment, partition);
  std::vector<int32_t> adding = Without(target, origin);
  std::vector<int32_t> removing = Without(origin, target);
  std::vector<int32_t> replicas = target;
  for (int32_t broker : removing) replicas.push_back(broker);
  assignment.partitions[partition] = std::move(replicas);
  assignment.adding.erase(partition);
  assignment.removing.erase(partition);
  if (adding.empty() && removing.empty()) return;
  if (!adding.empty()) assignment.adding[partition] = std::move(adding);
  if (!removing.empty()) assignment.removing[partition] = std::move(removing);
}

bool CancelMove(znodes::TopicAssignment& assignment, int32_t partition) {
  if (!Moving(assignment, partition)) return false;
  assignment.partitions[partition] = Origin(assignment, partition);
  assignment.adding.erase(partition);
  assignment.removing.erase(partition);
  return true;
}

bool Moving(const znodes::TopicAssignment& assignment, int32_t partition) {
  return !EntryOf(assignment.adding, partition).empty() ||
         !EntryOf(assignment.removing, partition).empty();
}

std::vector<int32_t> MoveTarget(const znodes::TopicAssignment& assignment, int32_t partition) {
  return Without(EntryOf(assignment.partitions, partition),
                 EntryOf(assignment.removing, partition));
}

std::optional<znodes::PartitionState> MoveLeader(const std::vector<int32_t>& target,
                                                 const znodes::PartitionState& state,
                                                 const std::set<int32_t>& may_lead,
                                                 int32_t controller_epoch) {
  znodes::PartitionState next = state;
  next.controller_epoch = controller_epoch;
  next.isr.clear();
  for (int32_t broker : state.isr) {
    if (Contains(target, broker)) next.isr.push_back(broker);
  }
  auto can_lead = [&](int32_t broker) {
    return may_lead.contains(broker) && Contains(next.isr, broker);
  };
  int32_t leader = -1;
  if (can_lead(target.front())) {
    leader = target.front();
  } else if (can_lead(state.leader)) {
    leader = state.leader;
  } else {
    auto first = std::find_if(target.begin(), target.end(), can_lead);
    if (first == target.end()) return std::nullopt;
    leader = *first;
  }
  if (leader != state.leader) {
    next.leader = leader;
    next.leader_epoch = state.leader_epoch + 1;
  }
  return next;
}

bool MoveCaughtUp(const std::vector<int32_t>& target, const znodes::PartitionState& state) {
  return std::all_of(target.begin(), target.end(),
                     [&](int32_t broker) { return Contains(state.isr, broker); });
}

}  // namespace ringlog
