// The parts OffsetCommit and TxnOffsetCommit share: their requests and responses have the
// same topic and partition layout (codecs of their own), and each partition answers on its
// own. Header-only templates over those generated types.
#pragma once

#include <map>
#include <utility>

#include "engine/group/group_coordinator.h"
#include "engine/log/log_manager.h"
#include "net/apis/group_error_code.h"
#include "net/codec/error_code.h"

namespace ringlog {

// Gives `response` one topic per request topic and one partition per request partition,
// in request order, answering UNKNOWN_TOPIC_OR_PARTITION for a partition that does not
// exist; returns the offsets of the others, stamped by `commit_time(partition)`.
template <typename Request, typename Response, typename CommitTime>
std::map<PartitionId, CommittedOffset> CollectCommitOffsets(const LogManager& logs,
                                                            const Request& request,
                                                            Response& response,
                                                            CommitTime commit_time) {
  std::map<PartitionId, CommittedOffset> offsets;
  for (const auto& topic : request.topics) {
    auto& topic_answer = response.topics.emplace_back();
    topic_answer.name = topic.name;
    for (const auto& p : topic.partitions) {
      auto& answer = topic_answer.partitions.emplace_back();
      answer.partition_index = p.partition_index;
      const PartitionId id{topic.name, p.partition_index};
      if (logs.GetPartition(id) == nullptr) {
        answer.error_code = ToWire(ErrorCode::kUnknownTopicOrPartition);
        continue;
      }
      CommittedOffset offset;
      offset.offset = p.committed_offset;
      offset.leader_epoch = p.committed_leader_epoch;
      offset.metadata = p.committed_metadata;
      offset.commit_time = commit_time(p);
      offsets.insert_or_assign(id, std::move(offset));
    }
  }
  return offsets;
}

// Sets the error code of each partition of `response` that `outcome` names.
template <typename Response>
void ApplyGroupOutcome(Response& response, const std::map<PartitionId, GroupError>& outcome) {
  for (auto& topic : response.topics) {
    for (auto& p : topic.partitions) {
      auto it = outcome.find(PartitionId{topic.name, p.partition_index});
      if (it != outcome.end()) p.error_code = GroupErrorCode(it->second);
    }
  }
}

// What a coordinator that is not there answers for every partition of `offsets`.
inline std::map<PartitionId, GroupError> RefuseAll(
    const std::map<PartitionId, CommittedOffset>& offsets) {
  std::map<PartitionId, GroupError> refused;
  for (const auto& [id, offset] : offsets)
    refused.emplace(id, GroupError::kCoordinatorNotAvailable);
  return refused;
}

}  // namespace ringlog
