// BatchScanner: walks the record batches of a segment's .log file, one after the other,
// from a batch boundary up to a limit. It reads the file in chunks through io_uring and
// decodes each header; in kVerify mode it also reads every whole batch and checks its
// CRC-32C and that its base offset follows on from the previous batch. Used by recovery
// (kVerify, through VerifyLog) and by reads, timestamp lookups and truncation (kHeaders).
//
// Thread-compatible; `file` must outlive the scanner.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "backends/uring/uring_file.h"
#include "engine/log/record_batch.h"
#include "engine/status.h"
#include "engine/types.h"

namespace ringlog {

struct ScannedBatch {
  uint64_t position = 0;  // where the batch starts in the file
  BatchHeader header;
};

class BatchScanner final {
 public:
  enum class Mode { kHeaders, kVerify };

  // Scans [position, limit) of `file`; `position` must be a batch boundary. In kVerify
  // mode the first batch must start at offset `first_offset` and each later one right
  // after the previous one's last offset.
  BatchScanner(const UringFile* file, uint64_t position, uint64_t limit, Mode mode,
               Offset first_offset = 0);
  BatchScanner(const BatchScanner&) = delete;
  BatchScanner& operator=(const BatchScanner&) = delete;

  // The next batch, or nullopt when the scan stops: at the limit (damage() is empty), or
  // at a batch that is torn, malformed or fails its checks (damage() says why). IOError
  // when reading the file fails.
  Result<std::optional<ScannedBatch>> Next();

  // The end of the last batch returned: where the good data ends once Next() stopped.
  uint64_t position() const { return position_; }
  // Why the scan stopped before the limit; empty if it did not.
  const std::string& damage() const { return damage_; }
  // Whether it stopped at a batch cut short by the limit (as a write cut short leaves it).
  bool torn() const { return torn_; }

 private:
  // Makes [position_, position_ + len) available in buffer_; len <= limit_ - position_.
  Status Fill(uint64_t len);

  const UringFile* const file_;
  const uint64_t limit_;
  const Mode mode_;
  const size_t chunk_;
  uint64_t position_;
  Offset expected_offset_;
  std::string damage_;
  bool torn_ = false;

  std::unique_ptr<uint8_t[]> buffer_;
  size_t capacity_ = 0;
  uint64_t buffer_start_ = 0;  // file position of buffer_[0]
  size_t buffer_len_ = 0;
};

}  // namespace ringlog
