#include "net/cluster/cluster_snapshot.h"

namespace ringlog {

const ClusterTopic* ClusterSnapshot::FindTopic(std::string_view topic) const {
  auto it = topics.find(topic);
  return it == topics.end() ? nullptr : &it->second;
}

const ClusterPartition* ClusterSnapshot::FindPartition(std::string_view topic,
                                                       int32_t partition) const {
  const ClusterTopic* found = FindTopic(topic);
  if (found == nullptr || partition < 0 ||
      static_cast<size_t>(partition) >= found->partitions.size()) {
    return nullptr;
  }
  return &found->partitions[static_cast<size_t>(partition)];
}

const ClusterBroker* ClusterSnapshot::FindBroker(int32_t id) const {
  auto it = brokers.find(id);
  return it == brokers.end() ? nullptr : &it->second;
}

}  // namespace ringlog
