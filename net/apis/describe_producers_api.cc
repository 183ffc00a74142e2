// DescribeProducers: the idempotent producers each asked partition knows, with each
// one's epoch, last sequence, the time of its last batch or marker, the epoch of the
// coordinator that wrote its last marker (-1: none yet) and the first offset of its open
// transaction (-1: none). A topic or partition that does not exist is
// UNKNOWN_TOPIC_OR_PARTITION for that partition.
#include <memory>
#include <string>

#include "engine/log/log_manager.h"
#include "engine/producer/producer_state.h"
#include "net/apis/apis.h"
#include "net/apis/partition_route.h"
#include "net/apis/request_context.h"
#include "net/codec/describe_producers_codec.h"
#include "net/codec/error_code.h"

namespace ringlog {
namespace {

using PartitionAnswer = DescribeProducersResponse::PartitionResponse;

PartitionAnswer Describe(const LogManager& logs, const ClusterView* cluster,
                         const std::string& topic, int32_t partition) {
  PartitionAnswer answer;
  answer.partition_index = partition;
  const PartitionId id{topic, partition};
  if (const ErrorCode route = RoutePartition(cluster, id); route != ErrorCode::kNone) {
    answer.error_code = ToWire(route);
    return answer;
  }
  std::shared_ptr<PartitionLog> log = logs.GetPartition(id);
  if (log == nullptr) {
    answer.error_code = ToWire(ErrorCode::kUnknownTopicOrPartition);
    return answer;
  }
  for (const ProducerInfo& info : log->ActiveProducers()) {
    DescribeProducersResponse::ProducerState& producer = answer.active_producers.emplace_back();
    producer.producer_id = info.producer_id;
    producer.producer_epoch = info.epoch;
    producer.last_sequence = info.last_sequence;
    producer.last_timestamp = info.last_timestamp;
    producer.coordinator_epoch = info.coordinator_epoch;
    producer.current_txn_start_offset = info.current_txn_start_offset;
  }
  return answer;
}

void HandleDescribeProducers(RequestContext& ctx) {
  WireReader reader = ctx.BodyReader();
  Result<DescribeProducersRequest> request = DecodeDescribeProducersRequest(reader, ctx.version());
  if (!request.ok()) {
    ctx.responder().Close("bad DescribeProducers request: " + request.status().ToString());
    return;
  }
  DescribeProducersResponse response;
  for (const DescribeProducersRequest::TopicRequest& topic : request->topics) {
    DescribeProducersResponse::TopicResponse& answer = response.topics.emplace_back();
    answer.name = topic.name;
    for (const int32_t partition : topic.partition_indexes) {
      answer.partitions.push_back(
          Describe(*ctx.services().logs, ctx.services().cluster, topic.name, partition));
    }
  }
  ctx.responder().Answer(response, ctx.version(), EncodeDescribeProducersResponse);
}

}  // namespace

const ApiSpec kDescribeProducersApi = {
    ApiKey::kDescribeProducers, kDescribeProducersMinVersion, kDescribeProducersMaxVersion,
    kDescribeProducersFirstFlexibleVersion, &HandleDescribeProducers};

}  // namespace ringlog
