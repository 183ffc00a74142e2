// FaultBackend: a StorageBackend for tests that wraps any other backend (mem, uring or
// rocksdb) and (a) makes chosen calls fail with a chosen Status, and (b) simulates a crash
// that loses everything not flushed — RocksDB's fault-injection file system, cut at our
// segment seam instead of at files.
//
// How the crash works, the same way on every backend: the wrapper remembers, for each
// segment, the offset up to which a Flush() through it succeeded. SimulateCrash() drops
// the wrapped backend without Close() (as kill -9 would), opens it again, and cuts every
// segment back to that remembered offset with the backend's own TruncateTo(). That is the
// worst loss the Segment contract allows after a power failure, and it needs no knowledge
// of the backend's files, so it works for RocksDB too, whose unsynced WAL writes survive a
// real process kill. It does not model a torn write inside a batch or a damaged file;
// tests/backends/recovery_test.cc covers those on the real backends. Segments are cut
// each on its own, as files are synced each on its own: a segment rolled but never flushed
// loses its unflushed tail even if a later segment was flushed.
//
// A failing call never reaches the wrapped backend: an injected Append stores nothing, an
// injected Flush makes nothing durable. The exception is kWrite, a failed write as a
// write-behind backend reports it: the batch goes to the wrapped segment, so that the
// fault comes in append order, and is reported as failed (TruncateTo removes it).
//
// Thread-safe. Segments made by this backend must not outlive it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/log/storage_backend.h"
#include "engine/status.h"

namespace ringlog::testing {

// The calls a fault can be injected into. Segment calls count across all segments.
enum class FaultOp {
  kListPartitions,
  kOpenPartition,
  kCreateSegment,
  kDeleteSegment,
  kDeletePartition,
  kPutMeta,
  kGetMeta,
  kDeleteMeta,
  kListMeta,
  kClose,
  kAppend,
  // The write of an appended batch: Append returns OK and the batch's written callback
  // gets the fault, as from a backend that writes behind; the segment refuses later
  // appends with it until TruncateTo.
  kWrite,
  kRead,
  kFlush,
  kSeal,
  kTruncate,
};

class FaultBackend final : public StorageBackend {
 public:
  // Opens the wrapped backend; called again by SimulateCrash() to reopen it.
  using Opener = std::function<Result<std::unique_ptr<StorageBackend>>()>;

  // The opener's error when the first open fails.
  static Result<std::unique_ptr<FaultBackend>> Open(Opener opener);
  ~FaultBackend() override;

  // Lets `skip` more calls of `op` through, then fails the next `count` calls (all later
  // calls when count < 0) with `status`. Replaces an earlier fault on `op`.
  void InjectFault(FaultOp op, Status status, int64_t skip = 0, int64_t count = 1);
  void ClearFaults();
  // Runs `hook` at the start of every call of `op`, on the calling thread, before its fault
  // is checked; tests use it to stall a call while others go on. An empty hook removes it.
  void SetHook(FaultOp op, std::function<void()> hook);
  // Calls of `op` made so far (failed ones included).
  int64_t calls(FaultOp op) const;

  // Crash and restart: loses every byte not flushed through this wrapper, as described at
  // the top of this file. REQUIRES: no Segment from this backend is alive (destroy the
  // PartitionLogs or the LogManager first). The reopen's error when it fails; the backend
  // is unusable then.
  Status SimulateCrash();

  std::string_view name() const override;
  BackendCapabilities capabilities() const override;
  Result<std::vector<PartitionId>> ListPartitions() override;
  Result<std::vector<std::unique_ptr<Segment>>> OpenPartition(
      const PartitionId& partition, const SegmentOptions& options) override;
  Result<std::unique_ptr<Segment>> CreateSegment(const PartitionId& partition, Offset base_offset,
                                                 const SegmentOptions& options) override;
  Status DeleteSegment(const PartitionId& partition, Offset base_offset) override;
  Status DeletePartition(const PartitionId& partition) override;
  Status PutMeta(std::string_view name, std::string_view value) override;
  Result<std::string> GetMeta(std::string_view name) override;
  Status DeleteMeta(std::string_view name) override;
  Result<std::vector<std::string>> ListMeta(std::string_view prefix) override;
  Status Close() override;

  // Shared with the segments this backend hands out: faults, call counts and the offset
  // up to which each segment is durable.
  class State;

 private:
  FaultBackend(Opener opener, std::unique_ptr<StorageBackend> inner);
  std::unique_ptr<Segment> Wrap(const PartitionId& partition, std::unique_ptr<Segment> inner);

  const Opener opener_;
  std::unique_ptr<StorageBackend> inner_;
  const std::shared_ptr<State> state_;
};

}  // namespace ringlog::testing
