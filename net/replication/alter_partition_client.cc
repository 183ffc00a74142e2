#include "net/replication/alter_partition_client.h"

#include <atomic>
#include <map>
#include <span>
#include <utility>

#include "net/apis/controller_forward.h"
#include "net/cluster/cluster_view.h"
#include "net/cluster/controller_channel.h"
#include "net/codec/alter_partition_codec.h"
#include "net/codec/api_key.h"
#include "net/codec/request_header.h"
#include "net/codec/wire_reader.h"
#include "net/codec/wire_writer.h"

namespace ringlog {
namespace {

// v1: topics by name (v2 names them by id) and the leader recovery state.
constexpr int16_t kVersion = 1;
constexpr bool kFlexible = kVersion >= kAlterPartitionFirstFlexibleVersion;

class ControllerAlterPartitionClient final : public AlterPartitionClient {
 public:
  ControllerAlterPartitionClient(int32_t broker_id, ClusterView* cluster,
                                 std::chrono::milliseconds timeout)
      : broker_id_(broker_id), cluster_(cluster), timeout_(timeout) {}

  Result<std::vector<IsrChangeAnswer>> Send(const std::vector<IsrChange>& changes) override {
    std::shared_ptr<const ClusterSnapshot> snapshot = cluster_->Snapshot();
    const ClusterBroker* controller = snapshot->FindBroker(snapshot->controller_id);
    if (controller == nullptr) return Status::Busy("no controller");
    const std::string frame =
        EncodeAlterPartitionFrame(broker_id_, next_correlation_id_++, changes);
    ASSIGN_OR_RETURN(std::string response,
                     channel_.Exchange(controller->host, controller->port, frame, timeout_));
    return DecodeAlterPartitionAnswers(response, changes);
  }

 private:
  const int32_t broker_id_;
  ClusterView* const cluster_;
  const std::chrono::milliseconds timeout_;
  ControllerChannel channel_;
  std::atomic<int32_t> next_correlation_id_{1};
};

}  // namespace

std::unique_ptr<AlterPartitionClient> MakeAlterPartitionClient(int32_t broker_id,
                                                               ClusterView* cluster,
                                                               std::chrono::milliseconds timeout) {
  return std::make_unique<ControllerAlterPartitionClient>(broker_id, cluster, timeout);
}

std::string EncodeAlterPartitionFrame(int32_t broker_id, int32_t correlation_id,
                                      const std::vector<IsrChange>& changes) {
  AlterPartitionRequest request;
  request.broker_id = broker_id;
  std::map<std::string, size_t> topic_index;
  for (const IsrChange& change : changes) {
    auto [it, added] = topic_index.emplace(change.partition.topic, request.topics.size());
    if (added) request.topics.push_back({.topic_name = change.partition.topic});
    AlterPartitionRequest::Partition partition;
    partition.partition_index = change.partition.partition;
    partition.leader_epoch = change.leader_epoch;
    partition.new_isr = change.new_isr;
    partition.partition_epoch = change.partition_epoch;
    request.topics[it->second].partitions.push_back(std::move(partition));
  }
  std::string frame;
  WireWriter writer(&frame);
  EncodeRequestHeader(writer,
                      RequestHeader{static_cast<int16_t>(ApiKey::kAlterPartition), kVersion,
                                    correlation_id, std::string(kBrokerClientId)},
                      kFlexible);
  EncodeAlterPartitionRequest(writer, request, kVersion);
  return frame;
}

Result<std::vector<IsrChangeAnswer>> DecodeAlterPartitionAnswers(
    std::string_view response_frame, const std::vector<IsrChange>& changes) {
  WireReader reader(std::span<const uint8_t>(
      reinterpret_cast<const uint8_t*>(response_frame.data()), response_frame.size()));
  RETURN_IF_ERROR(reader.ReadInt32().status());  // the correlation id, checked by the channel
  if (kFlexible) RETURN_IF_ERROR(reader.SkipTaggedFields());
  ASSIGN_OR_RETURN(AlterPartitionResponse response, DecodeAlterPartitionResponse(reader, kVersion));
  const auto top_error = static_cast<ErrorCode>(response.error_code);
  if (top_error == ErrorCode::kNotController) return Status::Busy("not the controller");

  std::map<PartitionId, const AlterPartitionResponse::Partition*> by_partition;
  for (const AlterPartitionResponse::Topic& topic : response.topics) {
    for (const AlterPartitionResponse::Partition& p : topic.partitions) {
      by_partition[PartitionId{topic.topic_name, p.partition_index}] = &p;
    }
  }
  std::vector<IsrChangeAnswer> answers;
  answers.reserve(changes.size());
  for (const IsrChange& change : changes) {
    IsrChangeAnswer answer;
    answer.partition = change.partition;
    auto it = by_partition.find(change.partition);
    if (top_error != ErrorCode::kNone) {
      answer.error = top_error;
    } else if (it == by_partition.end()) {
      answer.error = ErrorCode::kUnknownServerError;
    } else {
      const AlterPartitionResponse::Partition& p = *it->second;
      answer.error = static_cast<ErrorCode>(p.error_code);
      answer.leader_id = p.leader_id;
      answer.state.leader_epoch = p.leader_epoch;
      answer.state.isr = p.isr;
      answer.state.partition_epoch = p.partition_epoch;
    }
    answers.push_back(std::move(answer));
  }
  return answers;
}

}  // namespace ringlog
