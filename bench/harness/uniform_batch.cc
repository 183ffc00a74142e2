#include "bench/harness/uniform_batch.h"

#include <glog/logging.h>

#include <algorithm>

#include "engine/log/format.h"
#include "engine/log/record_batch_builder.h"

namespace ringlog::bench {
namespace {

// An arbitrary fixed time (2023-11-14), so that every run writes the same bytes.
constexpr TimestampMs kTimestamp = 1'700'000'000'000;
// A record's framing around its value: length, attributes, deltas, key, header count.
constexpr size_t kRecordOverhead = 12;

}  // namespace

UniformBatch MakeUniformBatch(size_t target_bytes, size_t value_bytes) {
  CHECK_GE(target_bytes, 128u);
  const size_t room = target_bytes - kBatchHeaderSize;
  const size_t count =
      std::max<size_t>(1, room / (std::min(value_bytes, room / 2) + kRecordOverhead));
  size_t value = room / count - kRecordOverhead;
  UniformBatch batch;
  batch.records = static_cast<int>(count);
  // Varint lengths make the size a step function of the value length: shrink until it fits.
  do {
    batch.bytes = BuildUniformBatch(batch.records, std::string(value, 'x'), kTimestamp);
  } while (batch.bytes.size() > target_bytes && --value > 0);
  return batch;
}

}  // namespace ringlog::bench
