#include "net/cli/segment_dump.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <span>
#include <string_view>
#include <vector>

#include "engine/log/compression/compression_type.h"
#include "engine/log/control_batch.h"
#include "engine/log/format.h"
#include "engine/log/record_batch.h"

namespace ringlog {
namespace {

// Closes the descriptor on every path out.
class ReadOnlyFile {
 public:
  explicit ReadOnlyFile(int fd) : fd_(fd) {}
  ~ReadOnlyFile() {
    if (fd_ >= 0) close(fd_);
  }
  ReadOnlyFile(const ReadOnlyFile&) = delete;
  ReadOnlyFile& operator=(const ReadOnlyFile&) = delete;
  int fd() const { return fd_; }

 private:
  const int fd_;
};

// Reads exactly buf.size() bytes at `offset`; false at end of file first.
Result<bool> ReadAt(int fd, uint64_t offset, std::span<uint8_t> buf, const std::string& path) {
  size_t done = 0;
  while (done < buf.size()) {
    const ssize_t n =
        pread(fd, buf.data() + done, buf.size() - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::IOError("read " + path, errno);
    if (n == 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

// Bytes as text: printable ASCII as is, anything else as \xNN, as kafka-dump-log shows a
// payload. "null" for a missing key or value.
std::string Printable(const std::optional<std::span<const uint8_t>>& bytes) {
  if (!bytes) return "null";
  std::string text;
  for (uint8_t c : *bytes) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      text += static_cast<char>(c);
    } else {
      char escaped[5];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", c);
      text += escaped;
    }
  }
  return text;
}

void PrintRecords(const RecordBatchView& batch, FILE* out) {
  if (batch.header().compression() != CompressionType::kNone) {
    std::fprintf(out, "| (records compressed: not shown)\n");
    return;
  }
  Result<std::vector<Record>> records = DecodeRecords(batch);
  if (!records.ok()) {
    std::fprintf(out, "| records do not decode: %s\n", records.status().ToString().c_str());
    return;
  }
  for (const Record& record : *records) {
    std::fprintf(out, "| offset: %" PRId64 " CreateTime: %" PRId64 " key: %s payload: %s",
                 record.offset, record.timestamp, Printable(record.key).c_str(),
                 Printable(record.value).c_str());
    if (!record.headers.empty()) {
      std::fprintf(out, " headers:");
      for (const RecordHeader& header : record.headers) {
        std::fprintf(out, " %s=%s", Printable(header.key).c_str(), Printable(header.value).c_str());
      }
    }
    std::fprintf(out, "\n");
  }
}

void PrintBatch(const RecordBatchView& batch, uint64_t position, bool crc_valid, bool print_records,
                FILE* out) {
  const BatchHeader& h = batch.header();
  const int32_t last_sequence = h.base_sequence < 0 ? -1 : h.base_sequence + h.last_offset_delta;
  std::fprintf(out,
               "baseOffset: %" PRId64 " lastOffset: %" PRId64
               " count: %d baseSequence: %d"
               " lastSequence: %d producerId: %" PRId64
               " producerEpoch: %d"
               " partitionLeaderEpoch: %d isTransactional: %s isControl: %s position: %" PRIu64
               " %s: %" PRId64 " size: %" PRIu64
               " magic: %d compresscodec: %.*s crc: %u"
               " isvalid: %s\n",
               h.base_offset, h.last_offset(), h.record_count, h.base_sequence, last_sequence,
               h.producer_id, h.producer_epoch, h.partition_leader_epoch,
               h.is_transactional() ? "true" : "false", h.is_control() ? "true" : "false", position,
               h.timestamp_type() == TimestampType::kLogAppendTime ? "LogAppendTime" : "CreateTime",
               h.max_timestamp, batch.size_bytes(), h.magic,
               static_cast<int>(CompressionName(h.compression()).size()),
               CompressionName(h.compression()).data(), h.crc, crc_valid ? "true" : "false");
  if (h.is_control()) {
    Result<ControlMarker> marker = ParseControlBatch(batch.bytes());
    if (marker.ok()) {
      std::fprintf(out, "| endTxnMarker: %s coordinatorEpoch: %d\n",
                   marker->type == ControlType::kCommit ? "COMMIT" : "ABORT",
                   marker->coordinator_epoch);
    } else {
      std::fprintf(out, "| control batch does not decode: %s\n",
                   marker.status().ToString().c_str());
    }
  } else if (print_records) {
    PrintRecords(batch, out);
  }
}

}  // namespace

Result<SegmentDumpSummary> DumpSegment(const std::string& path, bool print_records, FILE* out) {
  ReadOnlyFile file(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (file.fd() < 0) {
    return errno == ENOENT ? Status::NotFound(path + ": no such file")
                           : Status::IOError("open " + path, errno);
  }
  std::fprintf(out, "Dumping %s\n", path.c_str());
  SegmentDumpSummary summary;
  std::vector<uint8_t> buffer(kBatchHeaderSize);
  uint64_t position = 0;
  while (true) {
    ASSIGN_OR_RETURN(bool whole_header,
                     ReadAt(file.fd(), position, std::span(buffer.data(), kBatchHeaderSize), path));
    if (!whole_header) {
      // A few bytes past the last batch are a torn header; none at all is the clean end.
      const off_t size = lseek(file.fd(), 0, SEEK_END);
      if (size > 0 && static_cast<uint64_t>(size) > position) {
        summary.damage = "position " + std::to_string(position) + ": " +
                         std::to_string(static_cast<uint64_t>(size) - position) +
                         " bytes, less than a batch header (torn write)";
      }
      break;
    }
    Result<BatchHeader> header = DecodeBatchHeader(buffer);
    if (!header.ok()) {
      summary.damage = "position " + std::to_string(position) +
                       ": header does not decode: " + header.status().ToString();
      break;
    }
    buffer.resize(header->size_bytes());
    ASSIGN_OR_RETURN(bool whole_batch, ReadAt(file.fd(), position + kBatchHeaderSize,
                                              std::span(buffer.data() + kBatchHeaderSize,
                                                        buffer.size() - kBatchHeaderSize),
                                              path));
    if (!whole_batch) {
      summary.damage = "position " + std::to_string(position) + ": batch of " +
                       std::to_string(header->size_bytes()) +
                       " bytes runs past the end of the file (torn write)";
      break;
    }
    Result<RecordBatchView> batch = RecordBatchView::Parse(buffer);
    if (!batch.ok()) {
      summary.damage = "position " + std::to_string(position) + ": " + batch.status().ToString();
      break;
    }
    const bool crc_valid = batch->VerifyCrc().ok();
    PrintBatch(*batch, position, crc_valid, print_records, out);
    ++summary.batches;
    summary.records += static_cast<uint64_t>(header->record_count);
    if (!crc_valid) ++summary.bad_crc;
    position += header->size_bytes();
    buffer.resize(kBatchHeaderSize);
  }
  if (!summary.damage.empty()) std::fprintf(out, "DAMAGE at %s\n", summary.damage.c_str());
  return summary;
}

}  // namespace ringlog
