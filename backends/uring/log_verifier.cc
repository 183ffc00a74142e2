#include "backends/uring/log_verifier.h"

#include <algorithm>
#include <array>

#include "engine/log/format.h"
#include "engine/log/record_batch.h"

namespace ringlog {
namespace {

// Bytes read per step of the byte-by-byte search.
constexpr uint64_t kSearchWindowBytes = 1 << 20;
// The least CRC work the searches of one file may spend (a fraction of a second).
constexpr uint64_t kMinCrcBudgetBytes = 256 << 20;

// Finds where good batches go on after damage. The CRC work spent on candidates is capped
// at the file's size, so that no file contents make recovery quadratic, but never below
// kMinCrcBudgetBytes: a cap of the size alone shrinks when recovery cuts a tail, and the
// next recovery would then give up on a search this one finished, and cut what it kept
// (and every append since) as a bad tail.
class Resync {
 public:
  Resync(const UringFile& file, uint64_t size, Offset max_base_offset)
      : file_(file),
        size_(size),
        max_base_offset_(max_base_offset),
        crc_budget_(std::max(size, kMinCrcBudgetBytes)) {}

  // The first good batch after the damaged one at `damaged`: where the damaged header's
  // length says the next batch starts, if a good one does; else at the first later position
  // where one does. Good means whole, CRC-valid, with a base offset in [expected,
  // max_base_offset]. nullopt when there is none, or the search gave up.
  //
  // The length is trusted only from a header whose base offset is the expected one. A
  // header damaged there says nothing about where its batch ends, and following its
  // length would make the answer depend on what was appended after the last recovery:
  // once an append lands where that length points, a recovery after a clean close would
  // jump there and hide the good batches the previous recovery kept before it.
  Result<std::optional<ScannedBatch>> Find(uint64_t damaged, Offset expected) {
    ASSIGN_OR_RETURN(std::optional<BatchHeader> bad, HeaderAt(damaged));
    if (bad && bad->base_offset == expected && bad->size_bytes() < size_ - damaged) {
      const uint64_t next = damaged + bad->size_bytes();
      ASSIGN_OR_RETURN(std::optional<BatchHeader> header, HeaderAt(next));
      if (header) {
        ASSIGN_OR_RETURN(bool good, IsGood(next, *header, expected));
        if (good) return std::optional<ScannedBatch>(ScannedBatch{next, *header});
      }
    }
    return Search(damaged + 1, expected);
  }

  // Whether a search ended because the CRC budget ran out.
  bool gave_up() const { return gave_up_; }

 private:
  // The header at `position`, or nullopt when there is none that decodes.
  Result<std::optional<BatchHeader>> HeaderAt(uint64_t position) const {
    if (size_ - position < kBatchHeaderSize) return std::optional<BatchHeader>();
    std::array<uint8_t, kBatchHeaderSize> bytes;
    RETURN_IF_ERROR(file_.Read(position, bytes));
    Result<BatchHeader> header = DecodeBatchHeader(bytes);
    return header.ok() ? std::optional<BatchHeader>(*header) : std::optional<BatchHeader>();
  }

  Result<std::optional<ScannedBatch>> Search(uint64_t from, Offset expected) {
    std::vector<uint8_t> window;
    for (uint64_t start = from; start < size_ && size_ - start >= kBatchHeaderSize && !gave_up_;
         start += kSearchWindowBytes) {
      // Windows overlap by a header, so that every position's header is in one of them.
      window.resize(std::min<uint64_t>(kSearchWindowBytes + kBatchHeaderSize - 1, size_ - start));
      RETURN_IF_ERROR(file_.Read(start, window));
      for (size_t i = 0; i + kBatchHeaderSize <= window.size() && i < kSearchWindowBytes; ++i) {
        if (window[i + kBatchMagicPos] != static_cast<uint8_t>(kBatchMagicV2)) continue;
        Result<BatchHeader> header = DecodeBatchHeader({window.data() + i, kBatchHeaderSize});
        if (!header.ok()) continue;
        ASSIGN_OR_RETURN(bool good, IsGood(start + i, *header, expected));
        if (good) return std::optional<ScannedBatch>(ScannedBatch{start + i, *header});
        if (gave_up_) break;
      }
    }
    return std::optional<ScannedBatch>();
  }

  // Whether the batch whose header `header` starts at `position` is good (see Find).
  Result<bool> IsGood(uint64_t position, const BatchHeader& header, Offset expected) {
    if (header.base_offset < expected || header.base_offset > max_base_offset_) return false;
    const uint64_t bytes = header.size_bytes();
    if (bytes > size_ - position) return false;
    if (bytes > crc_budget_) {
      gave_up_ = true;
      return false;
    }
    crc_budget_ -= bytes;
    batch_.resize(bytes);
    RETURN_IF_ERROR(file_.Read(position, batch_));
    Result<RecordBatchView> view = RecordBatchView::Parse(batch_);
    return view.ok() && view->VerifyCrc().ok();
  }

  const UringFile& file_;
  const uint64_t size_;
  const Offset max_base_offset_;
  uint64_t crc_budget_;
  bool gave_up_ = false;
  std::vector<uint8_t> batch_;
};

}  // namespace

Result<VerifiedLog> VerifyLog(const UringFile& file, uint64_t size, Offset base_offset,
                              Offset max_base_offset,
                              const std::function<Status(const ScannedBatch&)>& on_batch) {
  VerifiedLog log;
  Resync resync(file, size, max_base_offset);
  uint64_t position = 0;
  Offset expected = base_offset;
  while (true) {
    BatchScanner scanner(&file, position, size, BatchScanner::Mode::kVerify, expected);
    while (true) {
      ASSIGN_OR_RETURN(std::optional<ScannedBatch> batch, scanner.Next());
      if (!batch) break;
      RETURN_IF_ERROR(on_batch(*batch));
      expected = batch->header.next_offset();
    }
    log.good_end = scanner.position();
    log.next_offset = expected;
    if (scanner.damage().empty()) return log;
    LogDamage damage{scanner.position(), size, expected, expected, scanner.damage()};
    ASSIGN_OR_RETURN(std::optional<ScannedBatch> next, resync.Find(damage.position, expected));
    if (!next) {
      if (resync.gave_up()) damage.reason += " (the search for good batches after it gave up)";
      log.bad_tail = std::move(damage);
      log.torn_tail = scanner.torn();
      return log;
    }
    damage.end_position = next->position;
    damage.end_offset = next->header.base_offset;
    log.damage.push_back(std::move(damage));
    position = next->position;
    expected = next->header.base_offset;
  }
}

}  // namespace ringlog
