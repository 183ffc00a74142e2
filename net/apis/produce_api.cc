// Produce: appends each partition's record batch and answers by acks — nothing at all for
// acks=0, after the append for acks=1, after a group-commit flush for acks=all (when the
// broker flushes on acks=all). Every append wakes the partition's long-polling fetches.
//
// What is stored is exactly one RecordBatch v2 per partition, as Kafka requires from
// Produce v3 on. Versions 0-2 carry old message sets, which ringlog does not store; their
// partitions get UNSUPPORTED_FOR_MESSAGE_FORMAT. zstd needs Produce v7 (KIP-110).
#include <glog/logging.h>

#include <atomic>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "engine/flusher.h"
#include "engine/log_manager.h"
#include "engine/record_batch.h"
#include "net/apis/apis.h"
#include "net/apis/request_context.h"
#include "net/apis/topic_lookup.h"
#include "net/broker/partition_watchers.h"
#include "net/codec/error_code.h"
#include "net/codec/produce_codec.h"

namespace ringlog {
namespace {

constexpr int16_t kFirstBatchVersion = 3;  // record batches (magic 2) from v3
constexpr int16_t kFirstZstdVersion = 7;

// Why `records` cannot be stored, or kNone.
ErrorCode CheckRecords(const std::optional<std::span<const uint8_t>>& records, int16_t version) {
  if (version < kFirstBatchVersion) return ErrorCode::kUnsupportedForMessageFormat;
  if (!records || records->empty()) return ErrorCode::kInvalidRecord;
  if (records->size() > kBatchMagicPos &&
      static_cast<int8_t>((*records)[kBatchMagicPos]) != kBatchMagicV2) {
    return ErrorCode::kInvalidRecord;
  }
  Result<RecordBatchView> batch = RecordBatchView::Parse(*records);
  if (!batch.ok()) return ErrorCode::kCorruptMessage;
  // Exactly one batch: anything after the first is a second batch or garbage.
  if (batch->size_bytes() != records->size()) return ErrorCode::kInvalidRecord;
  if (batch->header().compression() == CompressionType::kZstd && version < kFirstZstdVersion) {
    return ErrorCode::kUnsupportedCompressionType;
  }
  return ErrorCode::kNone;
}

// A partition whose batch was appended, and where its answer sits in the response.
struct Appended {
  std::shared_ptr<PartitionLog> log;
  Offset last_offset = 0;
  size_t topic = 0;
  size_t partition = 0;
};

// Appends one partition's batch and fills `answer`; the append when it succeeded.
std::optional<Appended> AppendPartition(RequestContext& ctx, const std::string& topic,
                                        int32_t topic_partitions,
                                        const ProduceRequest::Partition& partition,
                                        ProduceResponse::Partition& answer) {
  ErrorCode error = CheckRecords(partition.records, ctx.version());
  std::shared_ptr<PartitionLog> log;
  if (error == ErrorCode::kNone) {
    if (partition.index >= 0 && partition.index < topic_partitions) {
      log = ctx.services().logs->GetPartition(PartitionId{topic, partition.index});
    }
    if (log == nullptr) error = ErrorCode::kUnknownTopicOrPartition;
  }
  if (error != ErrorCode::kNone) {
    answer.error_code = ToWire(error);
    return std::nullopt;
  }
  // The batch is rewritten in place (offsets, leader epoch) before it is stored.
  std::span<uint8_t> batch =
      ctx.mutable_body().subspan(partition.records_position, partition.records->size());
  Result<AppendResult> appended = log->Append(batch);
  if (!appended.ok()) {
    const Status& status = appended.status();
    LOG(WARNING) << "produce to " << log->id().ToString() << " from " << ctx.connection().peer
                 << " refused: " << status.ToString();
    // Validation failures (a control batch, wrong counts or offsets) are INVALID_RECORD.
    answer.error_code =
        ToWire(status.IsInvalidArgument() ? ErrorCode::kInvalidRecord : ToErrorCode(status));
    return std::nullopt;
  }
  answer.base_offset = appended->base_offset;
  answer.log_append_time_ms = appended->log_append_time;
  answer.log_start_offset = appended->log_start_offset;
  if (PartitionWatchers* watchers = ctx.services().watchers; watchers != nullptr) {
    watchers->Notify(log->id());
  }
  return Appended{std::move(log), appended->last_offset, 0, 0};
}

// The response of an acks=all produce, waiting for its partitions' flushes.
class FlushWait {
 public:
  FlushWait(ProduceResponse response, const std::vector<Appended>& appended, Responder responder,
            int16_t version)
      : response_(std::move(response)),
        results_(appended.size()),
        remaining_(appended.size()),
        responder_(std::move(responder)),
        version_(version) {
    for (const Appended& a : appended) where_.emplace_back(a.topic, a.partition);
  }

  // Flush `i` (in the order of `appended`) completed. Any thread; each i once. The last
  // one to count down (acquire-release) sees every result and answers.
  void Done(size_t i, Status status) {
    results_[i] = std::move(status);
    if (remaining_.fetch_sub(1, std::memory_order_acq_rel) == 1) Answer();
  }

 private:
  // A partition whose flush failed answers with the storage error instead of an offset.
  void Answer() {
    for (size_t i = 0; i < where_.size(); ++i) {
      if (results_[i].ok()) continue;
      LOG(ERROR) << "flush for an acks=all produce failed: " << results_[i].ToString();
      ProduceResponse::Partition& p =
          response_.topics[where_[i].first].partitions[where_[i].second];
      p.error_code = ToWire(ToErrorCode(results_[i]));
      p.base_offset = -1;
    }
    responder_.Respond(
        [this](WireWriter& writer) { EncodeProduceResponse(writer, response_, version_); });
  }

  ProduceResponse response_;
  std::vector<std::pair<size_t, size_t>> where_;  // (topic, partition) in response_
  std::vector<Status> results_;
  std::atomic<size_t> remaining_;
  const Responder responder_;
  const int16_t version_;
};

// Appends every partition of `request`, filling `response` (one answer per partition, in
// request order); returns the appends that succeeded.
std::vector<Appended> AppendAll(RequestContext& ctx, const ProduceRequest& request,
                                ProduceResponse& response) {
  const bool valid_acks = request.acks == 0 || request.acks == 1 || request.acks == -1;
  std::vector<Appended> appended;
  response.topics.reserve(request.topics.size());
  for (const ProduceRequest::Topic& topic : request.topics) {
    ProduceResponse::Topic& topic_answer = response.topics.emplace_back();
    topic_answer.name = topic.name;
    const TopicLookup lookup = valid_acks ? FindOrCreateTopic(ctx.services(), topic.name, true)
                                          : TopicLookup{ErrorCode::kInvalidRequiredAcks, 0};
    for (const ProduceRequest::Partition& partition : topic.partitions) {
      ProduceResponse::Partition& answer = topic_answer.partitions.emplace_back();
      answer.index = partition.index;
      answer.error_code = ToWire(lookup.error);
      if (lookup.error != ErrorCode::kNone) continue;
      std::optional<Appended> done =
          AppendPartition(ctx, topic.name, lookup.partitions, partition, answer);
      if (!done) continue;
      done->topic = response.topics.size() - 1;
      done->partition = topic_answer.partitions.size() - 1;
      appended.push_back(std::move(*done));
    }
  }
  return appended;
}

bool AnyError(const ProduceResponse& response) {
  for (const ProduceResponse::Topic& topic : response.topics) {
    for (const ProduceResponse::Partition& p : topic.partitions) {
      if (p.error_code != ToWire(ErrorCode::kNone)) return true;
    }
  }
  return false;
}

void HandleProduce(RequestContext& ctx) {
  WireReader reader = ctx.BodyReader();
  Result<ProduceRequest> request = DecodeProduceRequest(reader, ctx.version());
  if (!request.ok()) {
    ctx.responder().Close("bad Produce request: " + request.status().ToString());
    return;
  }
  ProduceResponse response;
  const std::vector<Appended> appended = AppendAll(ctx, *request, response);
  const int16_t version = ctx.version();
  if (request->acks == 0) {
    // The producer reads no response; closing the connection is how Kafka tells it that
    // something failed.
    if (AnyError(response)) {
      ctx.responder().Close("acks=0 produce failed for some partition");
    } else {
      ctx.responder().NoResponse();
    }
    return;
  }
  Flusher* flusher = ctx.services().flusher;
  if (request->acks == -1 && ctx.services().config.flush_on_acks_all && flusher != nullptr &&
      !appended.empty()) {
    auto wait =
        std::make_shared<FlushWait>(std::move(response), appended, ctx.responder(), version);
    for (size_t i = 0; i < appended.size(); ++i) {
      flusher->FlushAsync(appended[i].log, appended[i].last_offset,
                          [wait, i](Status status) { wait->Done(i, std::move(status)); });
    }
    return;
  }
  ctx.responder().Respond(
      [&](WireWriter& writer) { EncodeProduceResponse(writer, response, version); });
}

}  // namespace

const ApiSpec kProduceApi = {ApiKey::kProduce, kProduceMinVersion, kProduceMaxVersion,
                             /*first_flexible_version=*/9, &HandleProduce};

}  // namespace ringlog
