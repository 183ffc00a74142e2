#include "engine/log/record_batch_builder.h"

#include <glog/logging.h>

#include <algorithm>

#include "engine/big_endian.h"
#include "engine/log/compression/compressor.h"
#include "engine/log/crc32c.h"
#include "engine/log/format.h"
#include "engine/varint.h"

namespace ringlog {
namespace {

void AppendNullableBytes(std::string* out, const std::optional<std::string>& bytes) {
  if (!bytes) {
    AppendVarlong(out, -1);
    return;
  }
  AppendVarlong(out, static_cast<int64_t>(bytes->size()));
  out->append(*bytes);
}

// Compresses the records appended to `out` with the codec the attributes name, if any,
// then fills the header fields of the batch and its CRC.
void FinishBatch(std::string* out, int32_t count, TimestampMs base_ts, TimestampMs max_ts,
                 const BatchOptions& o) {
  const auto codec = static_cast<CompressionType>(o.attributes & kBatchAttrCompressionMask);
  if (codec != CompressionType::kNone) {
    const std::string compressed = Compress(
        codec,
        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(out->data()), out->size())
            .subspan(kBatchHeaderSize),
        o.snappy_framing);
    out->resize(kBatchHeaderSize);
    out->append(compressed);
  }
  auto* p = reinterpret_cast<uint8_t*>(out->data());
  StoreBigEndian<int64_t>(p + kBatchBaseOffsetPos, o.base_offset);
  StoreBigEndian<int32_t>(p + kBatchLengthPos,
                          static_cast<int32_t>(out->size() - kBatchLogOverhead));
  StoreBigEndian<int32_t>(p + kBatchLeaderEpochPos, o.partition_leader_epoch);
  p[kBatchMagicPos] = static_cast<uint8_t>(kBatchMagicV2);
  StoreBigEndian<int16_t>(p + kBatchAttributesPos, o.attributes);
  StoreBigEndian<int32_t>(p + kBatchLastOffsetDeltaPos, count - 1);
  StoreBigEndian<int64_t>(p + kBatchBaseTimestampPos, base_ts);
  StoreBigEndian<int64_t>(p + kBatchMaxTimestampPos, max_ts);
  StoreBigEndian<int64_t>(p + kBatchProducerIdPos, o.producer_id);
  StoreBigEndian<int16_t>(p + kBatchProducerEpochPos, o.producer_epoch);
  StoreBigEndian<int32_t>(p + kBatchBaseSequencePos, o.base_sequence);
  StoreBigEndian<int32_t>(p + kBatchRecordCountPos, count);
  const std::span<const uint8_t> covered(p + kBatchAttributesPos,
                                         out->size() - kBatchAttributesPos);
  StoreBigEndian<uint32_t>(p + kBatchCrcPos, Crc32c(covered));
}

}  // namespace

std::string BuildRecordBatch(const std::vector<RecordData>& records, const BatchOptions& options) {
  CHECK(!records.empty()) << "a record batch holds at least one record";
  CHECK_LE(options.attributes & kBatchAttrCompressionMask,
           static_cast<int16_t>(CompressionType::kZstd))
      << "no such codec";
  const TimestampMs base_ts = records.front().timestamp;
  TimestampMs max_ts = base_ts;
  std::string out(kBatchHeaderSize, '\0');
  std::string body;
  for (size_t i = 0; i < records.size(); ++i) {
    const RecordData& r = records[i];
    max_ts = std::max(max_ts, r.timestamp);
    body.clear();
    body.push_back('\0');  // record attributes, unused
    AppendVarlong(&body, r.timestamp - base_ts);
    AppendVarlong(&body, static_cast<int64_t>(i));
    AppendNullableBytes(&body, r.key);
    AppendNullableBytes(&body, r.value);
    AppendVarlong(&body, static_cast<int64_t>(r.headers.size()));
    for (const RecordHeaderData& h : r.headers) {
      AppendNullableBytes(&body, h.key);
      AppendNullableBytes(&body, h.value);
    }
    AppendVarlong(&out, static_cast<int64_t>(body.size()));
    out.append(body);
  }
  FinishBatch(&out, static_cast<int32_t>(records.size()), base_ts, max_ts, options);
  return out;
}

std::string BuildUniformBatch(int count, std::string_view value, TimestampMs timestamp,
                              const BatchOptions& options) {
  CHECK_GT(count, 0) << "a record batch holds at least one record";
  std::string out(kBatchHeaderSize, '\0');
  const auto value_len = static_cast<int64_t>(value.size());
  // Every record body but its offset delta: attributes, timestamp delta 0, null key,
  // value length, value, header count 0.
  const size_t fixed = 1 + 1 + 1 + VarlongSize(value_len) + value.size() + 1;
  out.reserve(kBatchHeaderSize + static_cast<size_t>(count) * (fixed + 8));
  for (int i = 0; i < count; ++i) {
    const size_t body = fixed + VarlongSize(i);
    AppendVarlong(&out, static_cast<int64_t>(body));
    out.push_back('\0');
    AppendVarlong(&out, 0);
    AppendVarlong(&out, i);
    AppendVarlong(&out, -1);
    AppendVarlong(&out, value_len);
    out.append(value);
    AppendVarlong(&out, 0);
  }
  FinishBatch(&out, count, timestamp, timestamp, options);
  return out;
}

}  // namespace ringlog
