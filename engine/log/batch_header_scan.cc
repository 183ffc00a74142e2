#include "engine/log/batch_header_scan.h"

#include <algorithm>
#include <span>
#include <string>
#include <vector>

namespace ringlog {
namespace {

// Enough to read many batches per call without holding a large buffer.
constexpr size_t kScanReadBytes = 1 << 20;

}  // namespace

Status ForEachBatch(const Segment& segment, Offset from,
                    const std::function<void(const RecordBatchView&)>& fn) {
  const std::vector<DamagedRange> damaged = segment.damaged_ranges();
  Offset at = std::max(from, segment.base_offset());
  while (at < segment.next_offset()) {
    const auto hole = std::find_if(damaged.begin(), damaged.end(), [at](const DamagedRange& r) {
      return r.first_offset <= at && at < r.end_offset;
    });
    if (hole != damaged.end()) {
      at = hole->end_offset;
      continue;
    }
    ASSIGN_OR_RETURN(ReadResult read, segment.Read(at, kScanReadBytes));
    ASSIGN_OR_RETURN(std::string bytes, CopyReadBytes(read));
    const auto* data = reinterpret_cast<const uint8_t*>(bytes.data());
    size_t pos = 0;
    while (pos < bytes.size()) {
      ASSIGN_OR_RETURN(RecordBatchView batch,
                       RecordBatchView::Parse(std::span(data + pos, bytes.size() - pos)));
      // A read starts at the batch holding `at`, which may begin below `from`.
      if (batch.header().base_offset >= from) fn(batch);
      pos += batch.size_bytes();
    }
    if (read.next_offset <= at) {
      return Status::Corruption("scanning batch headers made no progress at offset " +
                                std::to_string(at));
    }
    at = read.next_offset;
  }
  return Status::OK();
}

Status ForEachBatchHeader(const Segment& segment, Offset from,
                          const std::function<void(const BatchHeader&)>& fn) {
  return ForEachBatch(segment, from, [&fn](const RecordBatchView& batch) { fn(batch.header()); });
}

}  // namespace ringlog
