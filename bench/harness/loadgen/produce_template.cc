#include "bench/harness/loadgen/produce_template.h"

#include <glog/logging.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "bench/harness/loadgen/produce_response_check.h"
#include "bench/harness/loadgen/request_frame.h"
#include "engine/big_endian.h"
#include "engine/log/crc32c.h"
#include "engine/log/format.h"
#include "engine/log/record_batch.h"
#include "engine/log/record_batch_builder.h"
#include "net/codec/produce_codec.h"
#include "net/codec/wire_reader.h"

namespace ringlog::bench {
namespace {

constexpr int16_t kProduceVersion = kLoadgenProduceVersion;
constexpr size_t kSendTimeBytes = sizeof(int64_t);

// A record value of `bytes` bytes that compresses about as log lines do: words from a
// small vocabulary and numbers that change from record to record.
std::string TextValue(int bytes, int record) {
  static constexpr const char* kWords[] = {
      "ts=",          " level=info", " topic=orders",        " user=",
      " latency_ms=", " status=ok",  " path=/api/v1/items/", " bytes="};
  std::string value;
  uint64_t x = 0x9E3779B97F4A7C15ull * static_cast<uint64_t>(record + 1);
  while (value.size() < static_cast<size_t>(bytes)) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    value += kWords[x % 8];
    value += std::to_string(x % 100000);
  }
  value.resize(static_cast<size_t>(bytes));
  return value;
}

// One batch of the template: uniform and uncompressed, or compressed text-like records.
std::string BuildBatch(const ProduceTemplateOptions& options, TimestampMs now) {
  if (options.compression == CompressionType::kNone) {
    return BuildUniformBatch(options.records_per_batch,
                             std::string(static_cast<size_t>(options.record_bytes), 'v'), now);
  }
  std::vector<RecordData> records;
  records.reserve(static_cast<size_t>(options.records_per_batch));
  for (int i = 0; i < options.records_per_batch; ++i) {
    records.push_back({std::nullopt, TextValue(options.record_bytes, i), now, {}});
  }
  BatchOptions batch;
  batch.attributes = static_cast<int16_t>(options.compression);
  return BuildRecordBatch(records, batch);
}

// Where each record's value starts within `batch`.
Result<std::vector<size_t>> ValuePositions(std::span<const uint8_t> batch) {
  ASSIGN_OR_RETURN(const RecordBatchView view, RecordBatchView::Parse(batch));
  ASSIGN_OR_RETURN(const std::vector<Record> records, DecodeRecords(view));
  std::vector<size_t> positions;
  positions.reserve(records.size());
  for (const Record& r : records) {
    positions.push_back(static_cast<size_t>(r.value->data() - batch.data()));
  }
  return positions;
}

}  // namespace

Result<ProduceTemplate> ProduceTemplate::Build(const ProduceTemplateOptions& options) {
  if (options.partitions.empty()) return Status::InvalidArgument("no partitions to produce to");
  if (options.records_per_batch < 1) return Status::InvalidArgument("records_per_batch < 1");
  if (options.record_bytes < static_cast<int>(kSendTimeBytes)) {
    return Status::InvalidArgument("record_bytes below 8");
  }
  const TimestampMs now = std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count();
  const std::string batch = BuildBatch(options, now);

  ProduceRequest request;
  request.acks = options.acks;
  request.timeout_ms = options.timeout_ms;
  ProduceRequest::Topic& topic = request.topics.emplace_back();
  topic.name = options.topic;
  const std::span<const uint8_t> batch_bytes(reinterpret_cast<const uint8_t*>(batch.data()),
                                             batch.size());
  for (int32_t p : options.partitions) {
    topic.partitions.push_back(ProduceRequest::Partition{p, batch_bytes, 0});
  }
  const std::string frame = EncodeRequestFrame(
      ApiKey::kProduce, kProduceVersion,
      [&](WireWriter& writer) { EncodeProduceRequest(writer, request, kProduceVersion); });

  ProduceTemplate t;
  t.frame_.assign(frame.begin(), frame.end());
  t.acks_ = options.acks;
  t.compression_ = options.compression;
  const size_t body = FrameBodyPosition(t.frame_);
  // The body opens with the null transactional_id (int16 -1), then acks.
  t.acks_position_ = body + sizeof(int16_t);
  // Decoding our own request finds where each batch landed in the frame.
  WireReader reader(std::span<const uint8_t>(t.frame_).subspan(body));
  ASSIGN_OR_RETURN(const ProduceRequest decoded, DecodeProduceRequest(reader, kProduceVersion));
  std::vector<size_t> values;
  if (options.compression == CompressionType::kNone) {
    ASSIGN_OR_RETURN(values, ValuePositions(batch_bytes));
  }
  for (const ProduceRequest::Partition& p : decoded.topics.front().partitions) {
    Batch& b = t.batches_.emplace_back();
    b.position = body + p.records_position;
    b.size = p.records->size();
    for (size_t v : values) b.value_positions.push_back(b.position + v);
  }
  t.records_per_request_ =
      static_cast<int64_t>(options.records_per_batch) * static_cast<int64_t>(t.batches_.size());
  t.batch_bytes_per_request_ =
      static_cast<int64_t>(batch.size()) * static_cast<int64_t>(t.batches_.size());
  return t;
}

void ProduceTemplate::SetAcks(int16_t acks) {
  acks_ = acks;
  StoreBigEndian<int16_t>(frame_.data() + acks_position_, acks);
}

void ProduceTemplate::StampSendTime(int64_t send_time_ns) {
  CHECK(compression_ == CompressionType::kNone) << "a compressed template has no values to stamp";
  for (const Batch& b : batches_) {
    for (size_t v : b.value_positions) StoreBigEndian<int64_t>(frame_.data() + v, send_time_ns);
    const std::span<const uint8_t> covered(frame_.data() + b.position + kBatchAttributesPos,
                                           b.size - kBatchAttributesPos);
    StoreBigEndian<uint32_t>(frame_.data() + b.position + kBatchCrcPos, Crc32c(covered));
  }
}

}  // namespace ringlog::bench
