#include "net/txn/marker_frames.h"

#include <map>
#include <span>
#include <tuple>
#include <utility>

#include "net/apis/controller_forward.h"
#include "net/codec/api_key.h"
#include "net/codec/request_header.h"
#include "net/codec/wire_reader.h"
#include "net/codec/wire_writer.h"
#include "net/codec/write_txn_markers_codec.h"

namespace ringlog {
namespace {

constexpr int16_t kVersion = 1;
constexpr bool kFlexible = kVersion >= kWriteTxnMarkersFirstFlexibleVersion;

}  // namespace

std::string EncodeWriteTxnMarkersFrame(int32_t correlation_id,
                                       const std::vector<MarkerBatchEntry>& entries) {
  WriteTxnMarkersRequest request;
  for (const MarkerBatchEntry& entry : entries) {
    WriteTxnMarkersRequest::Marker& marker = request.markers.emplace_back();
    marker.producer_id = entry.marker.producer_id;
    marker.producer_epoch = entry.marker.producer_epoch;
    marker.transaction_result = entry.marker.type == ControlType::kCommit;
    marker.coordinator_epoch = entry.marker.coordinator_epoch;
    std::map<std::string, size_t> topic_index;
    for (const PartitionId& partition : entry.partitions) {
      auto [it, added] = topic_index.emplace(partition.topic, marker.topics.size());
      if (added) marker.topics.push_back({.name = partition.topic});
      marker.topics[it->second].partition_indexes.push_back(partition.partition);
    }
  }
  std::string frame;
  WireWriter writer(&frame);
  EncodeRequestHeader(writer,
                      RequestHeader{static_cast<int16_t>(ApiKey::kWriteTxnMarkers), kVersion,
                                    correlation_id, std::string(kBrokerClientId)},
                      kFlexible);
  EncodeWriteTxnMarkersRequest(writer, request, kVersion);
  return frame;
}

Result<std::vector<std::vector<ErrorCode>>> DecodeWriteTxnMarkersAnswers(
    std::string_view response_frame, const std::vector<MarkerBatchEntry>& entries) {
  WireReader reader(std::span<const uint8_t>(
      reinterpret_cast<const uint8_t*>(response_frame.data()), response_frame.size()));
  RETURN_IF_ERROR(reader.ReadInt32().status());  // the correlation id, checked by the channel
  if (kFlexible) RETURN_IF_ERROR(reader.SkipTaggedFields());
  ASSIGN_OR_RETURN(WriteTxnMarkersResponse response,
                   DecodeWriteTxnMarkersResponse(reader, kVersion));
  std::map<std::tuple<int64_t, std::string, int32_t>, int16_t> errors;
  for (const WriteTxnMarkersResponse::MarkerResult& marker : response.markers) {
    for (const WriteTxnMarkersResponse::TopicResult& topic : marker.topics) {
      for (const WriteTxnMarkersResponse::PartitionResult& p : topic.partitions) {
        errors[{marker.producer_id, topic.name, p.partition_index}] = p.error_code;
      }
    }
  }
  std::vector<std::vector<ErrorCode>> answers;
  answers.reserve(entries.size());
  for (const MarkerBatchEntry& entry : entries) {
    std::vector<ErrorCode>& entry_answers = answers.emplace_back();
    for (const PartitionId& partition : entry.partitions) {
      auto it = errors.find({entry.marker.producer_id, partition.topic, partition.partition});
      entry_answers.push_back(it == errors.end() ? ErrorCode::kUnknownServerError
                                                 : static_cast<ErrorCode>(it->second));
    }
  }
  return answers;
}

}  // namespace ringlog
