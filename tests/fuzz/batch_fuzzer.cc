// Fuzz target: record batch validation, as Produce runs it on a producer's batch
// (ValidateProducerBatch, with whatever decompression it does) and as readers of the
// internal topics decode records (DecodeRecords), plus the header walk that fetches and
// recovery use (BatchIterator). The input is tried as it is and again with its CRC made
// right, so that mutations reach the checks behind the CRC.
//
// Besides not crashing, it checks what callers rely on:
//   - an uncompressed batch that validates decodes into exactly its record count, with
//     offsets base..base+count-1;
//   - the broker's in-place rewrites (base offset, leader epoch, LogAppendTime) keep a
//     valid batch valid;
//   - the records of a valid compressed batch, compressed again by each codec as the
//     batch builder does, decompress back to the same bytes.
#include <glog/logging.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/big_endian.h"
#include "engine/log/compression/compressor.h"
#include "engine/log/compression/decompressor.h"
#include "engine/log/format.h"
#include "engine/log/record_batch.h"
#include "tests/fuzz/fuzz_common.h"

namespace ringlog {
namespace {

void CheckRecords(const RecordBatchView& batch) {
  const BatchHeader& h = batch.header();
  Result<std::vector<Record>> records = DecodeRecords(batch);
  if (h.compression() != CompressionType::kNone) return;
  CHECK(records.ok()) << "a valid batch whose records do not decode: "
                      << records.status().ToString();
  CHECK_EQ(records->size(), static_cast<size_t>(h.record_count));
  for (size_t i = 0; i < records->size(); ++i) {
    CHECK_EQ((*records)[i].offset, h.base_offset + static_cast<Offset>(i));
  }
}

// The batch validated, so its records section decompresses; a Decompressor of its own keeps
// the thread's buffer (which holds nothing the caller still needs) out of it.
void CheckCodecRoundTrips(const RecordBatchView& batch) {
  static Decompressor decompressor;
  static Decompressor again;
  const CompressionType type = batch.header().compression();
  if (type == CompressionType::kNone) return;
  Result<std::span<const uint8_t>> records = decompressor.Decompress(
      type, batch.bytes().subspan(kBatchHeaderSize), kDefaultMaxDecompressedBytes);
  CHECK(records.ok()) << "a valid batch whose records do not decompress: "
                      << records.status().ToString();
  struct Codec {
    CompressionType type;
    SnappyFraming framing;
  };
  for (const Codec codec : {Codec{CompressionType::kGzip, SnappyFraming::kXerial},
                            Codec{CompressionType::kSnappy, SnappyFraming::kXerial},
                            Codec{CompressionType::kSnappy, SnappyFraming::kRaw},
                            Codec{CompressionType::kLz4, SnappyFraming::kXerial},
                            Codec{CompressionType::kZstd, SnappyFraming::kXerial}}) {
    const std::string packed = Compress(codec.type, *records, codec.framing);
    Result<std::span<const uint8_t>> unpacked = again.Decompress(
        codec.type, {reinterpret_cast<const uint8_t*>(packed.data()), packed.size()},
        records->size());
    const std::string_view name = CompressionName(codec.type);
    CHECK(unpacked.ok()) << name << ": " << unpacked.status().ToString();
    CHECK(std::equal(unpacked->begin(), unpacked->end(), records->begin(), records->end()))
        << name << " did not give the records back";
  }
  decompressor.Trim();
  again.Trim();
}

// The rewrites Produce applies before it stores a batch.
void CheckRewrites(const RecordBatchView& batch) {
  std::vector<uint8_t> copy(batch.bytes().begin(), batch.bytes().end());
  SetBaseOffset(copy, 1'000'000);
  SetPartitionLeaderEpoch(copy, 0);
  SetLogAppendTime(copy, 1'700'000'000'000);
  Result<RecordBatchView> rewritten = RecordBatchView::Parse(copy);
  CHECK(rewritten.ok()) << rewritten.status().ToString();
  const Status valid = ValidateProducerBatch(*rewritten);
  CHECK(valid.ok()) << "a rewritten batch is no longer valid: " << valid.ToString();
  CheckRecords(*rewritten);
}

void Exercise(std::span<const uint8_t> bytes) {
  Result<RecordBatchView> batch = RecordBatchView::Parse(bytes);
  if (!batch.ok()) return;
  const Status valid = ValidateProducerBatch(*batch);
  if (!valid.ok()) {
    DecodeRecords(*batch).status().IgnoreError();
    return;
  }
  CheckRecords(*batch);
  CheckCodecRoundTrips(*batch);
  CheckRewrites(*batch);
}

}  // namespace
}  // namespace ringlog

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  ringlog::fuzz::QuietLogging();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ringlog;
  const std::span<const uint8_t> input(data, size);
  Exercise(input);

  Result<RecordBatchView> batch = RecordBatchView::Parse(input);
  if (batch.ok()) {
    std::vector<uint8_t> fixed(batch->bytes().begin(), batch->bytes().end());
    StoreBigEndian<uint32_t>(fixed.data() + kBatchCrcPos, batch->ComputeCrc());
    Exercise(fixed);
  }

  BatchIterator it(input);
  while (std::optional<RecordBatchView> next = it.Next()) {
    CHECK_LE(next->size_bytes(), size);
    next->VerifyCrc().IgnoreError();
  }
  CHECK_LE(it.consumed(), size);
  return 0;
}
