// DirSyncs: the uring backend's directory fsyncs, put off until durability needs them.
//
// A new segment file is an entry in its partition's directory, and a new partition
// directory an entry in the data directory; an entry survives a power loss only once its
// directory is fsynced. Syncing both at every creation cost two fsyncs per partition:
// seconds for a topic of thousands of partitions. Yet a new, empty segment holds nothing a
// crash could lose — recovery makes a missing partition's first segment again — so the
// syncs wait until something in the segment must be durable:
//   - the segment's first successful Flush syncs its directory and, when a partition was
//     created since the last such sync, the data directory (one sync for all of them);
//   - Close syncs the whole filesystem (SyncFileSystem), before the clean-shutdown marker.
// The first Flush of a segment recovered after an unclean shutdown syncs its directory
// too: the crashed run may have created it without syncing.
//
// Thread-safe.
#pragma once

#include <mutex>
#include <set>
#include <string>

#include "engine/status.h"

namespace ringlog {

class DirSyncs {
 public:
  // `data_dir` holds the partition directories. Until the first Sync, the data directory
  // counts as waiting: an earlier run may have left entries in it unsynced.
  explicit DirSyncs(std::string data_dir) : data_dir_(std::move(data_dir)) {}
  DirSyncs(const DirSyncs&) = delete;
  DirSyncs& operator=(const DirSyncs&) = delete;

  // An entry was created in partition directory `dir`; `new_partition`: `dir` itself was
  // just created in the data directory.
  void Added(const std::string& dir, bool new_partition);

  // Makes the entries of `dir`, and any waiting entries of the data directory, durable.
  // IOError when an fsync fails; what failed stays waiting.
  Status Sync(const std::string& dir);

 private:
  // Syncs the data directory when it waits.
  Status SyncDataDir();

  const std::string data_dir_;
  std::mutex mu_;
  std::set<std::string> waiting_;
  bool data_dir_waiting_ = true;
};

// fsync of a directory: makes the creation, rename or removal of its entries durable.
Status SyncDir(const std::string& dir);

// syncfs(2) of the filesystem holding `path`: every file's written data and every
// directory entry on it become durable at once (its writeback errors are reported since
// Linux 5.8).
Status SyncFileSystem(const std::string& path);

}  // namespace ringlog
