#include "engine/log/control_batch.h"

#include <string>
#include <utility>
#include <vector>

#include "engine/big_endian.h"
#include "engine/log/record_batch.h"
#include "engine/log/record_batch_builder.h"

namespace ringlog {
namespace {

// Kafka's ControlRecordType and EndTransactionMarker layouts.
constexpr int16_t kMarkerVersion = 0;
constexpr size_t kKeySize = 2 + 2;    // version, type
constexpr size_t kValueSize = 2 + 4;  // version, coordinator epoch

std::string BigEndianBytes(int16_t a, int16_t b) {
  std::string out(4, '\0');
  StoreBigEndian<int16_t>(reinterpret_cast<uint8_t*>(out.data()), a);
  StoreBigEndian<int16_t>(reinterpret_cast<uint8_t*>(out.data()) + 2, b);
  return out;
}

}  // namespace

std::string BuildControlBatch(const ControlMarker& marker, TimestampMs timestamp) {
  std::string value(kValueSize, '\0');
  auto* v = reinterpret_cast<uint8_t*>(value.data());
  StoreBigEndian<int16_t>(v, kMarkerVersion);
  StoreBigEndian<int32_t>(v + 2, marker.coordinator_epoch);
  RecordData record;
  record.key = BigEndianBytes(kMarkerVersion, static_cast<int16_t>(marker.type));
  record.value = std::move(value);
  record.timestamp = timestamp;
  BatchOptions options;
  options.attributes = kBatchAttrTransactional | kBatchAttrControl;
  options.producer_id = marker.producer_id;
  options.producer_epoch = marker.producer_epoch;
  options.base_sequence = -1;
  return BuildRecordBatch({record}, options);
}

Result<ControlMarker> ParseControlBatch(std::span<const uint8_t> batch) {
  ASSIGN_OR_RETURN(RecordBatchView view, RecordBatchView::Parse(batch));
  const BatchHeader& h = view.header();
  if (!h.is_control() || !h.is_transactional()) {
    return Status::InvalidArgument("not a transactional control batch");
  }
  if (h.compression() != CompressionType::kNone || h.record_count != 1) {
    return Status::Corruption("a transaction marker batch holds one uncompressed record");
  }
  ASSIGN_OR_RETURN(std::vector<Record> records, DecodeRecords(view));
  const Record& record = records.front();
  // Later versions may append fields; the ones read here stay where they are.
  if (!record.key || record.key->size() < kKeySize || !record.value ||
      record.value->size() < kValueSize) {
    return Status::Corruption("control record too short for a transaction marker");
  }
  const int16_t key_version = LoadBigEndian<int16_t>(record.key->data());
  const int16_t type = LoadBigEndian<int16_t>(record.key->data() + 2);
  if (key_version < 0 || LoadBigEndian<int16_t>(record.value->data()) < 0) {
    return Status::Corruption("control record with a negative version");
  }
  if (type != static_cast<int16_t>(ControlType::kAbort) &&
      type != static_cast<int16_t>(ControlType::kCommit)) {
    return Status::InvalidArgument("control record of type " + std::to_string(type) +
                                   " is not a transaction marker");
  }
  ControlMarker marker;
  marker.producer_id = h.producer_id;
  marker.producer_epoch = h.producer_epoch;
  marker.type = static_cast<ControlType>(type);
  marker.coordinator_epoch = LoadBigEndian<int32_t>(record.value->data() + 2);
  return marker;
}

}  // namespace ringlog
