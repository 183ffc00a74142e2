#include "net/txn/verify_frames.h"

#include <span>
#include <utility>

#include "net/apis/controller_forward.h"
#include "net/codec/add_partitions_to_txn_codec.h"
#include "net/codec/api_key.h"
#include "net/codec/request_header.h"
#include "net/codec/wire_reader.h"
#include "net/codec/wire_writer.h"

namespace ringlog {
namespace {

constexpr int16_t kVersion = 5;
constexpr bool kFlexible = kVersion >= kAddPartitionsToTxnFirstFlexibleVersion;

}  // namespace

std::string EncodeVerifyPartitionsFrame(int32_t correlation_id,
                                        const std::vector<VerifyEntry>& entries) {
  AddPartitionsToTxnRequest request;
  for (const VerifyEntry& entry : entries) {
    AddPartitionsToTxnRequest::Transaction& txn = request.transactions.emplace_back();
    txn.transactional_id = entry.transactional_id;
    txn.producer_id = entry.producer_id;
    txn.producer_epoch = entry.producer_epoch;
    txn.verify_only = true;
    std::map<std::string, size_t> topic_index;
    for (const PartitionId& partition : entry.partitions) {
      auto [it, added] = topic_index.emplace(partition.topic, txn.topics.size());
      if (added) txn.topics.push_back({.name = partition.topic});
      txn.topics[it->second].partitions.push_back(partition.partition);
    }
  }
  std::string frame;
  WireWriter writer(&frame);
  EncodeRequestHeader(writer,
                      RequestHeader{static_cast<int16_t>(ApiKey::kAddPartitionsToTxn), kVersion,
                                    correlation_id, std::string(kBrokerClientId)},
                      kFlexible);
  EncodeAddPartitionsToTxnRequest(writer, request, kVersion);
  return frame;
}

Result<std::vector<std::map<PartitionId, ErrorCode>>> DecodeVerifyPartitionsAnswers(
    std::string_view response_frame, const std::vector<VerifyEntry>& entries) {
  WireReader reader(std::span<const uint8_t>(
      reinterpret_cast<const uint8_t*>(response_frame.data()), response_frame.size()));
  RETURN_IF_ERROR(reader.ReadInt32().status());  // the correlation id, checked by the channel
  if (kFlexible) RETURN_IF_ERROR(reader.SkipTaggedFields());
  ASSIGN_OR_RETURN(AddPartitionsToTxnResponse response,
                   DecodeAddPartitionsToTxnResponse(reader, kVersion));
  std::map<std::pair<std::string, PartitionId>, ErrorCode> codes;
  for (const AddPartitionsToTxnResponse::TransactionResult& txn : response.results_by_transaction) {
    for (const AddPartitionsToTxnResponse::TopicResult& topic : txn.topic_results) {
      for (const AddPartitionsToTxnResponse::PartitionResult& p : topic.results_by_partition) {
        codes[{txn.transactional_id, PartitionId{topic.name, p.partition_index}}] =
            static_cast<ErrorCode>(p.partition_error_code);
      }
    }
  }
  std::vector<std::map<PartitionId, ErrorCode>> answers;
  answers.reserve(entries.size());
  for (const VerifyEntry& entry : entries) {
    std::map<PartitionId, ErrorCode>& answer = answers.emplace_back();
    for (const PartitionId& partition : entry.partitions) {
      ErrorCode code = static_cast<ErrorCode>(response.error_code);
      if (code == ErrorCode::kNone) {
        auto it = codes.find({entry.transactional_id, partition});
        code = it == codes.end() ? ErrorCode::kUnknownServerError : it->second;
      }
      answer[partition] = code;
    }
  }
  return answers;
}

}  // namespace ringlog
