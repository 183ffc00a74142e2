// A Segment is a contiguous range [base_offset(), next_offset()) of one partition's log:
// whole record batches, stored exactly as received, plus whatever index the backend needs
// to find an offset or a timestamp in it. Backends implement it; PartitionLog owns the
// segments of a partition and is the only writer.
//
// A backend may write behind: Append queues the batch and returns, and the batch is
// *written* — readable, and in the operating system's hands so that it survives a crash of
// this process — a little later, in append order. The getters and Read describe the
// written batches only.
//
// Recovery (when a backend opens a segment) keeps every whole, CRC-valid batch and tells a
// torn tail from damage in the middle (engine/log/format.h, "Damage and recovery"): a last
// batch cut short, or damaged with nothing valid after it, may be cut; a damaged batch
// followed by valid batches that continue the offsets is bit rot, and it is kept and
// reported instead — logged at ERROR, listed by damaged_ranges(), and never served: Read
// of its offsets fails with Corruption, and reading goes on at the next good offset.
//
// Thread safety: Append, Seal and TruncateTo need external synchronisation (one caller at
// a time; PartitionLog holds its append lock). Flush, Read, FindOffsetByTimestamp and the
// getters are thread-safe and may run concurrently with those and with each other, so a
// group commit's sync does not stop appends.
#pragma once

#include <functional>
#include <vector>

#include "engine/log/read_result.h"
#include "engine/log/record_batch.h"
#include "engine/status.h"
#include "engine/types.h"

namespace ringlog {

class Segment {
 public:
  // Runs once per appended batch with the outcome of its write.
  using WrittenCallback = std::function<void(Status)>;

  virtual ~Segment() = default;
  Segment(const Segment&) = delete;
  Segment& operator=(const Segment&) = delete;

  virtual Offset base_offset() const = 0;
  // One past the last offset stored; base_offset() when empty.
  virtual Offset next_offset() const = 0;
  // The sum of the sizes of the written batches (a file slice of a read counts positions
  // from the segment's first byte on this scale).
  virtual uint64_t size_bytes() const = 0;
  // Largest max timestamp of any batch, or kNoTimestamp when empty.
  virtual TimestampMs max_timestamp() const = 0;
  // True once Seal() succeeded (or the segment was opened as a non-last segment).
  virtual bool sealed() const = 0;

  SegmentInfo info() const { return {base_offset(), next_offset(), size_bytes(), max_timestamp()}; }

  // Appends one whole, already validated batch; `batch` is only borrowed for the call.
  // `written` runs once the batch is written, or failed to be: before Append returns on a
  // backend that writes in the call, later on a backend thread otherwise, in append order.
  // It must not call back into this segment. A failed write fails the batches queued
  // behind it too, and the segment refuses appends until TruncateTo.
  // REQUIRES: !sealed(), batch.header().base_offset is the next offset after every batch
  // appended so far.
  // When Append itself fails, `written` never runs and nothing of the batch is queued; the
  // segment may hold stray bytes past its end that a later Append overwrites or
  // TruncateTo/recovery removes. Not durable until Flush() returns OK.
  virtual Status Append(const RecordBatchView& batch, WrittenCallback written) = 0;
  // Append, then wait until the batch is written; its write's outcome.
  Status AppendAndWait(const RecordBatchView& batch);

  // Whole batches, starting with the batch that holds `offset`, that fit in `max_bytes`;
  // always at least that first batch, even when it alone exceeds max_bytes. A read stops
  // before a damaged batch. OutOfRange when `offset` is outside [base_offset(),
  // next_offset()). Corruption when `offset` lies in a damaged range (the message names the
  // range and the offset where reading goes on) or the data there turns out damaged.
  virtual Result<ReadResult> Read(Offset offset, size_t max_bytes) const = 0;

  // Base offset of the first batch whose max timestamp is >= `ts`; NotFound if none.
  // Damaged batches are skipped: their timestamps are unknown.
  virtual Result<Offset> FindOffsetByTimestamp(TimestampMs ts) const = 0;

  // The damaged ranges of this segment that are known (see the top of this file), in
  // offset order: one per damaged batch. The default suits a backend that finds none.
  virtual std::vector<DamagedRange> damaged_ranges() const { return {}; }

  // Writes and makes durable (fdatasync or a synced WAL write) every batch whose Append
  // returned before this call; batches appended while it runs may or may not be covered.
  virtual Status Flush() = 0;

  // No more appends; waits for the queued writes, finalises and persists the indexes.
  // Idempotent.
  virtual Status Seal() = 0;

  // Drops every batch with base offset >= `offset`, so next_offset() becomes `offset`
  // rounded down to a batch boundary; a damaged range counts as one batch, and the damaged
  // ranges dropped are forgotten. Example: batches [0..4][5..9][10..14]:
  //   TruncateTo(10) keeps [0..4][5..9], next_offset() == 10;
  //   TruncateTo(7) keeps [0..4][5..9] too (batch 5..9 starts below 7), next_offset() == 10.
  // Works on sealed segments and unseals nothing; durable after Flush(). Waits for the
  // queued writes first, or drops them after a failed write.
  virtual Status TruncateTo(Offset offset) = 0;

 protected:
  Segment() = default;
};

}  // namespace ringlog
