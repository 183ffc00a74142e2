// OffsetFetch: the offsets a group committed, for the listed partitions (-1 and empty
// metadata where it committed none) or, with a null topic list (v2+), for every partition
// it committed. Served from memory; the group's membership plays no part.
#include <map>
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

// The codec reads up to v7, but the API table keeps every maximum below the API's first
// flexible version (net/apis/api_table.h).
constexpr int16_t kServedMaxVersion = kOffsetFetchFirstFlexibleVersion - 1;

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

OffsetFetchResponse FetchListed(const GroupCoordinator& groups, const std::string& group_id,
                                const std::vector<OffsetFetchRequest::Topic>& topics) {
  OffsetFetchResponse response;
  for (const OffsetFetchRequest::Topic& topic : topics) {
    OffsetFetchResponse::Topic& out = response.topics.emplace_back();
    out.name = topic.name;
    for (int32_t index : topic.partition_indexes) {
      out.partitions.push_back(
          Answer(index, groups.FetchOffset(group_id, PartitionId{topic.name, index})));
    }
  }
  return response;
}

OffsetFetchResponse FetchAll(const GroupCoordinator& groups, const std::string& group_id) {
  OffsetFetchResponse response;
  for (const auto& [partition, committed] : groups.FetchAllOffsets(group_id)) {
    if (response.topics.empty() || response.topics.back().name != partition.topic) {
      response.topics.emplace_back().name = partition.topic;
    }
    response.topics.back().partitions.push_back(Answer(partition.partition, committed));
  }
  return response;
}

void HandleOffsetFetch(RequestContext& ctx) {
  WireReader reader = ctx.BodyReader();
  Result<OffsetFetchRequest> request = DecodeOffsetFetchRequest(reader, ctx.version());
  if (!request.ok()) {
    ctx.responder().Close("bad OffsetFetch request: " + request.status().ToString());
    return;
  }
  const GroupCoordinator* groups = ctx.services().groups;
  OffsetFetchResponse response;
  if (groups == nullptr) {
    // v0-1 have no group-level error: every listed partition carries it.
    const int16_t error = GroupErrorCode(GroupError::kCoordinatorNotAvailable);
    response.error_code = error;
    for (const OffsetFetchRequest::Topic& topic :
         request->topics.value_or(std::vector<OffsetFetchRequest::Topic>())) {
      OffsetFetchResponse::Topic& out = response.topics.emplace_back();
      out.name = topic.name;
      for (int32_t index : topic.partition_indexes) {
        OffsetFetchResponse::Partition& p = out.partitions.emplace_back(Answer(index, {}));
        p.error_code = error;
      }
    }
  } else if (request->topics) {
    response = FetchListed(*groups, request->group_id, *request->topics);
  } else {
    response = FetchAll(*groups, request->group_id);
  }
  const int16_t version = ctx.version();
  ctx.responder().Respond(
      [&](WireWriter& writer) { EncodeOffsetFetchResponse(writer, response, version); });
}

}  // namespace

const ApiSpec kOffsetFetchApi = {ApiKey::kOffsetFetch, kOffsetFetchMinVersion, kServedMaxVersion,
                                 kOffsetFetchFirstFlexibleVersion, &HandleOffsetFetch};

}  // namespace ringlog
