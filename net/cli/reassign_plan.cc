#include "net/cli/reassign_plan.h"

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

namespace ringlog {
namespace {

using Json = nlohmann::json;
using Replicas = std::vector<int32_t>;

bool Contains(const Replicas& replicas, int32_t broker) {
  return std::find(replicas.begin(), replicas.end(), broker) != replicas.end();
}

// Balances one topic's replicas over `brokers`; `global` counts every replica placed so
// far (all topics) and breaks ties.
void BalanceReplicas(std::map<int32_t, Replicas>& partitions, const std::vector<int32_t>& brokers,
                     const std::map<int32_t, int64_t>& global) {
  const std::set<int32_t> allowed(brokers.begin(), brokers.end());
  std::map<int32_t, int64_t> load;
  for (int32_t broker : brokers) load[broker] = 0;
  int64_t total = 0;
  for (const auto& [partition, replicas] : partitions) {
    total += static_cast<int64_t>(replicas.size());
    for (int32_t broker : replicas) {
      if (allowed.contains(broker)) ++load[broker];
    }
  }
  // Shares: total / n each, one more for total % n brokers, given to those holding the
  // most already (fewest moves), then to those with the fewest replicas overall.
  const auto n = static_cast<int64_t>(brokers.size());
  std::vector<int32_t> by_claim = brokers;
  std::sort(by_claim.begin(), by_claim.end(), [&](int32_t a, int32_t b) {
    if (load[a] != load[b]) return load[a] > load[b];
    if (global.at(a) != global.at(b)) return global.at(a) < global.at(b);
    return a < b;
  });
  std::map<int32_t, int64_t> share;
  for (size_t i = 0; i < by_claim.size(); ++i) {
    share[by_claim[i]] = total / n + (static_cast<int64_t>(i) < total % n ? 1 : 0);
  }
  // The broker that should take a replica of `replicas` instead: below its share, not a
  // replica already, the least loaded.
  auto taker = [&](const Replicas& replicas) {
    int32_t best = -1;
    for (int32_t broker : brokers) {
      if (Contains(replicas, broker) || load[broker] >= share[broker]) continue;
      if (best == -1 || load[broker] < load[best] ||
          (load[broker] == load[best] && global.at(broker) < global.at(best))) {
        best = broker;
      }
    }
    return best;
  };
  // Replicas on brokers outside `brokers` move first, then those above their share.
  for (auto& [partition, replicas] : partitions) {
    for (int32_t& broker : replicas) {
      if (allowed.contains(broker)) continue;
      int32_t to = taker(replicas);
      if (to == -1) {  // every broker is at its share: take the least loaded one left
        for (int32_t candidate : brokers) {
          if (!Contains(replicas, candidate) && (to == -1 || load[candidate] < load[to])) {
            to = candidate;
          }
        }
      }
      broker = to;
      ++load[to];
    }
  }
  bool moved = true;
  while (moved) {
    moved = false;
    for (int32_t over : brokers) {
      if (load[over] <= share[over]) continue;
      // Prefer moving a replica that is not the preferred leader: it spares a leader move.
      for (int pass = 0; pass < 2 && load[over] > share[over]; ++pass) {
        for (auto& [partition, replicas] : partitions) {
          if (load[over] <= share[over]) break;
          auto at = std::find(replicas.begin(), replicas.end(), over);
          if (at == replicas.end() || ((at == replicas.begin()) != (pass == 1))) continue;
          const int32_t to = taker(replicas);
          if (to == -1) continue;
          *at = to;
          --load[over];
          ++load[to];
          moved = true;
        }
      }
    }
  }
}

// Reorders replica lists so that preferred leaders spread: the leader of a partition
// gives way to one of its replicas leading two fewer partitions, until none does. Each
// swap lowers the sum of squared leader counts, so this ends.
void BalanceLeaders(std::map<int32_t, Replicas>& partitions, const std::vector<int32_t>& brokers) {
  std::map<int32_t, int64_t> leads;
  for (int32_t broker : brokers) leads[broker] = 0;
  for (const auto& [partition, replicas] : partitions) ++leads[replicas.front()];
  bool swapped = true;
  while (swapped) {
    swapped = false;
    for (auto& [partition, replicas] : partitions) {
      auto best = replicas.end();
      for (auto it = replicas.begin() + 1; it != replicas.end(); ++it) {
        if (leads[*it] + 1 < leads[replicas.front()] &&
            (best == replicas.end() || leads[*it] < leads[*best])) {
          best = it;
        }
      }
      if (best == replicas.end()) continue;
      --leads[replicas.front()];
      ++leads[*best];
      std::iter_swap(replicas.begin(), best);
      swapped = true;
    }
  }
}

Status Bad(const std::string& what) {
  return Status::InvalidArgument("the reassignment plan " + what);
}

}  // namespace

Result<Placement> BalancedPlacement(const Placement& current, const std::vector<int32_t>& brokers) {
  if (brokers.empty()) return Status::InvalidArgument("no brokers to place partitions on");
  const std::set<int32_t> distinct(brokers.begin(), brokers.end());
  if (distinct.size() != brokers.size()) {
    return Status::InvalidArgument("a broker is named twice in the broker list");
  }
  std::vector<int32_t> sorted(distinct.begin(), distinct.end());
  std::map<int32_t, int64_t> global;
  for (int32_t broker : sorted) global[broker] = 0;
  Placement plan = current;
  for (auto& [topic, partitions] : plan) {
    for (const auto& [partition, replicas] : partitions) {
      if (replicas.size() > sorted.size() || replicas.empty()) {
        return Status::InvalidArgument("partition " + topic + "-" + std::to_string(partition) +
                                       " has " + std::to_string(replicas.size()) + " replicas; " +
                                       std::to_string(sorted.size()) + " brokers cannot hold them");
      }
    }
    BalanceReplicas(partitions, sorted, global);
    BalanceLeaders(partitions, sorted);
    for (const auto& [partition, replicas] : partitions) {
      for (int32_t broker : replicas) ++global[broker];
    }
  }
  return plan;
}

Placement Changes(const Placement& from, const Placement& to) {
  Placement changed;
  for (const auto& [topic, partitions] : to) {
    auto before = from.find(topic);
    for (const auto& [partition, replicas] : partitions) {
      if (before != from.end()) {
        auto was = before->second.find(partition);
        if (was != before->second.end() && was->second == replicas) continue;
      }
      changed[topic][partition] = replicas;
    }
  }
  return changed;
}

std::string PlanJson(const Placement& plan) {
  Json partitions = Json::array();
  for (const auto& [topic, by_partition] : plan) {
    for (const auto& [partition, replicas] : by_partition) {
      partitions.push_back({{"topic", topic},
                            {"partition", partition},
                            {"replicas", replicas},
                            {"log_dirs", std::vector<std::string>(replicas.size(), "any")}});
    }
  }
  return Json{{"version", 1}, {"partitions", std::move(partitions)}}.dump();
}

Result<Placement> ParsePlanJson(std::string_view text) {
  const Json json = Json::parse(text, /*cb=*/nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return Bad("is not a JSON object");
  auto version = json.find("version");
  if (version != json.end() && !(version->is_number_integer() && version->get<int64_t>() == 1)) {
    return Bad("has a version other than 1");
  }
  auto partitions = json.find("partitions");
  if (partitions == json.end() || !partitions->is_array()) {
    return Bad("has no \"partitions\" array");
  }
  Placement plan;
  for (size_t i = 0; i < partitions->size(); ++i) {
    const Json& entry = (*partitions)[i];
    const std::string where = "entry " + std::to_string(i) + " of \"partitions\"";
    if (!entry.is_object()) return Bad(where + " is not an object");
    auto topic = entry.find("topic");
    auto partition = entry.find("partition");
    auto replicas = entry.find("replicas");
    if (topic == entry.end() || !topic->is_string() ||
        topic->get_ref<const std::string&>().empty()) {
      return Bad(where + " has no topic name");
    }
    if (partition == entry.end() || !partition->is_number_integer() ||
        partition->get<int64_t>() < 0 ||
        partition->get<int64_t>() > std::numeric_limits<int32_t>::max()) {
      return Bad(where + " has no partition number (0 or more)");
    }
    if (replicas == entry.end() || !replicas->is_array()) {
      return Bad(where + " has no \"replicas\" array");
    }
    Replicas list;
    for (const Json& broker : *replicas) {
      if (!broker.is_number_integer() || broker.get<int64_t>() < 0 ||
          broker.get<int64_t>() > std::numeric_limits<int32_t>::max()) {
        return Bad(where + " has a replica that is not a broker id");
      }
      list.push_back(static_cast<int32_t>(broker.get<int64_t>()));
    }
    if (auto dirs = entry.find("log_dirs"); dirs != entry.end()) {
      if (!dirs->is_array()) return Bad(where + " has a \"log_dirs\" that is not an array");
      for (const Json& dir : *dirs) {
        if (dir != "any") return Bad(where + ": ringlog has one log directory; use \"any\"");
      }
    }
    const std::string& name = topic->get_ref<const std::string&>();
    const auto index = static_cast<int32_t>(partition->get<int64_t>());
    if (!plan[name].emplace(index, std::move(list)).second) {
      return Bad("lists partition " + name + "-" + std::to_string(index) + " twice");
    }
  }
  return plan;
}

}  // namespace ringlog
