// OffsetFetch: the offsets a group committed, for the listed partitions (-1 and empty
// metadata where it committed none) or, with a null topic list (v2+), for every partition
// it committed. From v8 one request names several groups, each with its own topic list
// (or null for all), and each is answered in its own entry with its own error code; v9's
// member id and epoch belong to KIP-848 consumer groups, and ringlog's groups are all
// classic, which do not check them. Served from memory; membership plays no part. A
// group another broker coordinates gets NOT_COORDINATOR. With require_stable (v7+) a
// partition whose offsets a transaction still holds (TxnOffsetCommit before its marker)
// answers UNSTABLE_OFFSET_COMMIT and no offset, as Kafka does; the client retries.
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "engine/group/group_coordinator.h"
#include "net/apis/apis.h"
#include "net/apis/group_error_code.h"
#include "net/apis/request_context.h"
#include "net/codec/offset_fetch_codec.h"

namespace ringlog {
namespace {

using Topics = std::vector<OffsetFetchResponse::Topic>;

OffsetFetchResponse::Partition Answer(int32_t index,
                                      const std::optional<CommittedOffset>& committed) {
  OffsetFetchResponse::Partition p;
  p.partition_index = index;
  // Kafka answers "no metadata" with an empty string, never null.
  p.metadata = "";
  if (committed) {
    p.committed_offset = committed->offset;
    p.committed_leader_epoch = committed->leader_epoch;
    p.metadata = committed->metadata.value_or("");
  }
  return p;
}

// Partitions whose offsets a transaction holds, when the request requires stable ones.
using Unstable = std::optional<std::set<PartitionId>>;

OffsetFetchResponse::Partition AnswerStable(const PartitionId& partition,
                                            const std::optional<CommittedOffset>& committed,
                                            const Unstable& unstable) {
  if (unstable && unstable->contains(partition)) {
    OffsetFetchResponse::Partition p = Answer(partition.partition, std::nullopt);
    p.error_code = ToWire(ErrorCode::kUnstableOffsetCommit);
    return p;
  }
  return Answer(partition.partition, committed);
}

Topics FetchListed(const OffsetStore::Offsets& offsets,
                   const std::vector<OffsetFetchRequest::Topic>& topics, const Unstable& unstable) {
  Topics out;
  for (const OffsetFetchRequest::Topic& topic : topics) {
    OffsetFetchResponse::Topic& answer = out.emplace_back();
    answer.name = topic.name;
    for (int32_t index : topic.partition_indexes) {
      const PartitionId partition{topic.name, index};
      auto it = offsets.find(partition);
      answer.partitions.push_back(AnswerStable(
          partition,
          it == offsets.end() ? std::nullopt : std::optional<CommittedOffset>(it->second),
          unstable));
    }
  }
  return out;
}

// Every committed partition, as Kafka lists them (pending-only partitions do not show).
Topics FetchAll(const OffsetStore::Offsets& offsets, const Unstable& unstable) {
  Topics out;
  for (const auto& [partition, committed] : offsets) {
    if (out.empty() || out.back().name != partition.topic) {
      out.emplace_back().name = partition.topic;
    }
    out.back().partitions.push_back(AnswerStable(partition, committed, unstable));
  }
  return out;
}

// One group's answer. When the group cannot be served here (no coordinator, or another
// broker coordinates it) the group-level error goes into `error_code`, and (for v0-1,
// which have no group-level error) into every listed partition too.
Topics FetchGroup(const GroupCoordinator* groups, const std::string& group_id,
                  const std::optional<std::vector<OffsetFetchRequest::Topic>>& topics,
                  bool require_stable, int16_t* error_code) {
  OffsetStore::Offsets offsets;
  Unstable unstable;
  if (require_stable) unstable.emplace();
  const GroupError group_error =
      groups == nullptr ? GroupError::kCoordinatorNotAvailable
                        : groups->FetchOffsets(group_id, &offsets, unstable ? &*unstable : nullptr);
  if (group_error == GroupError::kNone) {
    return topics ? FetchListed(offsets, *topics, unstable) : FetchAll(offsets, unstable);
  }
  const int16_t error = GroupErrorCode(group_error);
  *error_code = error;
  Topics out;
  for (const OffsetFetchRequest::Topic& topic :
       topics.value_or(std::vector<OffsetFetchRequest::Topic>())) {
    OffsetFetchResponse::Topic& answer = out.emplace_back();
    answer.name = topic.name;
    for (int32_t index : topic.partition_indexes) {
      answer.partitions.emplace_back(Answer(index, {})).error_code = error;
    }
  }
  return out;
}

void HandleOffsetFetch(RequestContext& ctx) {
  WireReader reader = ctx.BodyReader();
  Result<OffsetFetchRequest> request = DecodeOffsetFetchRequest(reader, ctx.version());
  if (!request.ok()) {
    ctx.responder().Close("bad OffsetFetch request: " + request.status().ToString());
    return;
  }
  const GroupCoordinator* groups = ctx.services().groups;
  const int16_t version = ctx.version();
  OffsetFetchResponse response;
  if (version >= kOffsetFetchFirstBatchVersion) {
    for (const OffsetFetchRequest::Group& group : request->groups) {
      OffsetFetchResponse::Group& answer = response.groups.emplace_back();
      answer.group_id = group.group_id;
      answer.topics = FetchGroup(groups, group.group_id, group.topics, request->require_stable,
                                 &answer.error_code);
    }
  } else {
    response.topics = FetchGroup(groups, request->group_id, request->topics,
                                 request->require_stable, &response.error_code);
  }
  ctx.responder().Answer(response, version, EncodeOffsetFetchResponse);
}

}  // namespace

const ApiSpec kOffsetFetchApi = {ApiKey::kOffsetFetch, kOffsetFetchMinVersion,
                                 kOffsetFetchMaxVersion, kOffsetFetchFirstFlexibleVersion,
                                 &HandleOffsetFetch};

}  // namespace ringlog
