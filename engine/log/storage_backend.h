// StorageBackend: everything that touches the storage medium. The engine sees storage only
// through this interface and Segment; backends/uring and backends/rocksdb implement both.
// Chosen once at start-up; nothing above this seam knows which one runs.
//
// Thread-safe: methods may be called concurrently, for different partitions.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/log/segment.h"
#include "engine/status.h"
#include "engine/types.h"

namespace ringlog {

struct BackendCapabilities {
  // Reads return FileSlices that can be sent to a socket without copying.
  bool zero_copy_reads = false;
};

struct SegmentOptions {
  // Bytes between two offset index entries (index.interval.bytes).
  uint32_t index_interval_bytes = 4096;
};

class StorageBackend {
 public:
  virtual ~StorageBackend() = default;
  StorageBackend(const StorageBackend&) = delete;
  StorageBackend& operator=(const StorageBackend&) = delete;

  // "uring", "rocksdb", "mem".
  virtual std::string_view name() const = 0;
  virtual BackendCapabilities capabilities() const = 0;

  // Every partition that has storage (segments or an empty partition directory/range).
  virtual Result<std::vector<PartitionId>> ListPartitions() = 0;

  // Recovers and returns the partition's segments, oldest first, all sealed but the last;
  // an empty vector for a partition with no storage yet. Recovery CRC-checks the last
  // segment (and every segment after an unclean shutdown): a torn or damaged tail of the
  // last segment is cut (LOG(WARNING) says what was cut); damage inside an earlier
  // segment is reported with LOG(ERROR), and reads of the damaged range return Corruption.
  // Missing or stale indexes are rebuilt from the data.
  virtual Result<std::vector<std::unique_ptr<Segment>>> OpenPartition(
      const PartitionId& partition, const SegmentOptions& options) = 0;

  // A new empty, unsealed segment starting at `base_offset`. AlreadyExists if one does.
  virtual Result<std::unique_ptr<Segment>> CreateSegment(const PartitionId& partition,
                                                         Offset base_offset,
                                                         const SegmentOptions& options) = 0;

  // Removes the segment's data for good. Segment objects for it that are still alive (held
  // by in-flight reads) keep serving results already returned; new reads on them may fail.
  virtual Status DeleteSegment(const PartitionId& partition, Offset base_offset) = 0;

  // Removes every segment of the partition and the partition itself.
  virtual Status DeletePartition(const PartitionId& partition) = 0;

  // A small store of named blobs (topic metadata, checkpoints). Put replaces a blob
  // atomically and durably: after a crash a reader sees the old or the new value, never a
  // mix. Names are [A-Za-z0-9._-]+. Get is NotFound for a missing name.
  virtual Status PutMeta(std::string_view name, std::string_view value) = 0;
  virtual Result<std::string> GetMeta(std::string_view name) = 0;
  virtual Status DeleteMeta(std::string_view name) = 0;
  // Names that start with `prefix`, sorted.
  virtual Result<std::vector<std::string>> ListMeta(std::string_view prefix) = 0;

  // Flushes everything and records a clean shutdown, so that the next open need not
  // re-verify closed segments. The backend must not be used afterwards except to destroy it.
  virtual Status Close() = 0;

 protected:
  StorageBackend() = default;
};

}  // namespace ringlog
