// Fuzz target: recovery of the uring backend from arbitrary segment files. The input is
// written as the files of one partition, the backend opens (recovers) the partition, and
// everything readable is read back.
//
// Input layout:
//   byte 0: flags — bit 0: the previous run shut down cleanly (its marker is present);
//           bit 1: afterwards close cleanly, reopen and expect the same data;
//           bit 2: index entries every 64 bytes instead of 4096.
//   then files, each: u8 tag | u16 length (big-endian) | bytes (cut short at the end)
//           tag bits 0-1: the segment (base offset 0, 10, 100 or 1000);
//           tag bits 2-3: 0 .log, 1 .index, 2 .timeindex, 3 .log.
//           A file named twice gets both parts, in order.
//
// Besides not crashing, it checks what recovery promises:
//   - the damaged ranges it reports (bit rot followed by good batches, kept) fail to read,
//     and reading goes on after them;
//   - every segment it verified (the last one always; the others after an unclean
//     shutdown, or when they had no index files) serves only whole batches with a valid
//     CRC-32C, in rising offsets inside [base offset, next offset);
//   - the last segment takes a new batch at its next offset and reads it back;
//   - with flag bit 1, recovering again after a clean close finds the same data.
// An open may fail with an error instead (the broker then refuses to start).
#include <glog/logging.h>

#include <array>
#include <cinttypes>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "backends/uring/uring_backend.h"
#include "engine/log/format.h"
#include "engine/log/record_batch.h"
#include "engine/log/record_batch_builder.h"
#include "engine/log/storage_backend.h"
#include "tests/fuzz/fuzz_common.h"

namespace ringlog {
namespace {

namespace fs = std::filesystem;

constexpr uint8_t kFlagCleanShutdown = 1;
constexpr uint8_t kFlagReopen = 2;
constexpr uint8_t kFlagSmallIndexInterval = 4;
constexpr std::array<Offset, 4> kSegmentBases = {0, 10, 100, 1000};
constexpr std::array<std::string_view, 4> kKindSuffixes = {".log", ".index", ".timeindex", ".log"};
const PartitionId kPartition{"fuzz", 0};
constexpr size_t kReadBytes = 1 << 20;

struct Input {
  uint8_t flags = 0;
  // File name -> content.
  std::map<std::string, std::string> files;
  // Segments that have an index file.
  std::array<bool, 4> indexed{};
};

Input ParseInput(const uint8_t* data, size_t size) {
  Input input;
  if (size == 0) return input;
  input.flags = data[0];
  size_t at = 1;
  while (at + 3 <= size) {
    const uint8_t tag = data[at];
    const size_t length =
        std::min<size_t>((size_t{data[at + 1]} << 8) | data[at + 2], size - at - 3);
    at += 3;
    const size_t segment = tag & 3;
    const size_t kind = (tag >> 2) & 3;
    char stem[32];
    std::snprintf(stem, sizeof(stem), "%020" PRId64, kSegmentBases[segment]);
    input.files[stem + std::string(kKindSuffixes[kind])].append(
        reinterpret_cast<const char*>(data + at), length);
    if (kind == 1 || kind == 2) input.indexed[segment] = true;
    at += length;
  }
  return input;
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  CHECK(out.good()) << "cannot write " << path;
}

// Lays the input out as the data directory the backend will open.
void Prepare(const std::string& data_dir, const Input& input) {
  std::error_code ec;
  const std::string partition_dir = data_dir + "/" + kPartition.ToString();
  fs::remove_all(partition_dir, ec);
  fs::create_directories(partition_dir);
  for (const auto& [name, content] : input.files) WriteFile(partition_dir + "/" + name, content);
  const std::string marker = data_dir + "/" + ".clean_shutdown";
  if (input.flags & kFlagCleanShutdown) {
    WriteFile(marker, "");
  } else {
    fs::remove(marker, ec);
  }
}

std::unique_ptr<StorageBackend> OpenBackend(const std::string& data_dir) {
  UringBackendOptions options;
  options.data_dir = data_dir;
  Result<std::unique_ptr<StorageBackend>> backend = OpenUringBackend(options);
  CHECK(backend.ok()) << backend.status().ToString();
  return std::move(*backend);
}

// The damaged range that holds `offset`, if any.
std::optional<DamagedRange> DamageAt(const std::vector<DamagedRange>& damaged, Offset offset) {
  for (const DamagedRange& range : damaged) {
    if (offset >= range.first_offset && offset < range.end_offset) return range;
  }
  return std::nullopt;
}

// Reads the segment from its base offset until the end or the first error, stepping over
// the damaged ranges recovery reported (as a consumer goes on at the offset the error
// names), and returns the bytes read. Checks that every damaged range's offsets fail to
// read. With `strict`, checks that what was read is whole, CRC-valid batches in rising
// offsets inside the segment's range.
std::string ReadAll(const Segment& segment, bool strict) {
  const std::vector<DamagedRange> damaged = segment.damaged_ranges();
  for (const DamagedRange& range : damaged) {
    CHECK_LE(range.first_offset, range.end_offset);
    if (range.first_offset == range.end_offset) continue;
    CHECK(!segment.Read(range.first_offset, kReadBytes).ok())
        << "a damaged range is served from offset " << range.first_offset;
  }
  std::string readable;
  Offset at = segment.base_offset();
  const Offset end = segment.next_offset();
  while (at < end) {
    Result<ReadResult> read = segment.Read(at, kReadBytes);
    if (!read.ok()) {
      const std::optional<DamagedRange> range = DamageAt(damaged, at);
      if (!read.status().IsCorruption() || !range) break;
      at = range->end_offset;
      continue;
    }
    Result<std::string> bytes = CopyReadBytes(*read);
    CHECK(bytes.ok()) << bytes.status().ToString();
    const std::span<const uint8_t> span(reinterpret_cast<const uint8_t*>(bytes->data()),
                                        bytes->size());
    BatchIterator batches(span);
    Offset next = at;
    bool first = true;
    while (std::optional<RecordBatchView> batch = batches.Next()) {
      const BatchHeader& h = batch->header();
      if (strict) {
        const Status crc = batch->VerifyCrc();
        CHECK(crc.ok()) << "recovery left a damaged batch readable: " << crc.ToString();
        CHECK_GE(h.base_offset, first ? segment.base_offset() : next);
        CHECK_LT(h.last_offset(), end);
      }
      first = false;
      next = h.next_offset();
    }
    if (strict) {
      CHECK(batches.status().ok()) << batches.status().ToString();
      CHECK_EQ(batches.consumed(), bytes->size()) << "a read returned a partial batch";
      CHECK_GT(next, at) << "a read returned nothing at offset " << at;
    }
    if (next <= at) break;
    readable += *bytes;
    at = next;
  }
  return readable;
}

// What one recovery found: each segment's range and readable bytes.
struct Recovered {
  std::string error;  // why the partition did not open; empty when it did
  std::vector<Offset> bases;
  std::vector<Offset> nexts;
  std::vector<std::string> bytes;
  std::vector<std::vector<DamagedRange>> damaged;
  bool operator==(const Recovered&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Recovered& r) {
  if (!r.error.empty()) return out << " " << r.error;
  for (size_t i = 0; i < r.bases.size(); ++i) {
    out << " [" << r.bases[i] << ", " << r.nexts[i] << "): " << r.bytes[i].size() << " bytes, "
        << r.damaged[i].size() << " damaged ranges";
  }
  return out;
}

Recovered Recover(StorageBackend& backend, const Input& input, bool append) {
  SegmentOptions options;
  options.index_interval_bytes = (input.flags & kFlagSmallIndexInterval) ? 64 : 4096;
  Result<std::vector<std::unique_ptr<Segment>>> segments =
      backend.OpenPartition(kPartition, options);
  Recovered out;
  if (!segments.ok()) {  // refused with an error: that is allowed
    out.error = segments.status().ToString();
    return out;
  }
  const bool clean = input.flags & kFlagCleanShutdown;
  for (size_t i = 0; i < segments->size(); ++i) {
    Segment& segment = *(*segments)[i];
    const bool last = i + 1 == segments->size();
    const size_t slot = static_cast<size_t>(
        std::find(kSegmentBases.begin(), kSegmentBases.end(), segment.base_offset()) -
        kSegmentBases.begin());
    CHECK_LT(slot, kSegmentBases.size()) << "a segment nobody wrote: " << segment.base_offset();
    CHECK_GE(segment.next_offset(), segment.base_offset());
    CHECK_EQ(segment.sealed(), !last);
    const bool verified = last || !clean || !input.indexed[slot];
    if (last && append && segment.next_offset() < std::numeric_limits<int32_t>::max()) {
      const std::string before = ReadAll(segment, verified);
      BatchOptions batch_options;
      batch_options.base_offset = segment.next_offset();
      const std::string batch =
          BuildRecordBatch({RecordData{"k", "v", 1'700'000'000'000, {}}}, batch_options);
      Result<RecordBatchView> view =
          RecordBatchView::Parse({reinterpret_cast<const uint8_t*>(batch.data()), batch.size()});
      CHECK(view.ok());
      const Status appended = segment.AppendAndWait(*view);
      CHECK(appended.ok()) << "the recovered segment refuses an append: " << appended.ToString();
      CHECK_EQ(ReadAll(segment, verified), before + batch);
    }
    out.bases.push_back(segment.base_offset());
    out.nexts.push_back(segment.next_offset());
    out.bytes.push_back(ReadAll(segment, verified));
    out.damaged.push_back(segment.damaged_ranges());
  }
  return out;
}

}  // namespace
}  // namespace ringlog

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  ringlog::fuzz::QuietLogging();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ringlog;
  const std::string data_dir = fuzz::ScratchDir() + "/segment";
  const Input input = ParseInput(data, size);
  Prepare(data_dir, input);
  std::unique_ptr<StorageBackend> backend = OpenBackend(data_dir);
  const Recovered first = Recover(*backend, input, /*append=*/true);
  // Only an open that succeeded is closed: `ringlog serve` does not start (and so never
  // closes the backend) when a partition fails to open.
  if (!(input.flags & kFlagReopen) || !first.error.empty()) return 0;
  const Status closed = backend->Close();
  CHECK(closed.ok()) << closed.ToString();
  backend.reset();
  backend = OpenBackend(data_dir);
  Input again = input;
  again.flags |= kFlagCleanShutdown;
  const Recovered second = Recover(*backend, again, /*append=*/false);
  CHECK(second == first) << "a second recovery after a clean close found other data: first" << first
                         << "; second" << second;
  return 0;
}
