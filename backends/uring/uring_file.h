// UringFile: one open file whose reads, writes and syncs go through the calling thread's
// io_uring (backends/uring/ring.h). Positional I/O only; the file has no cursor.
//
// Naming: ...Some may transfer fewer bytes than asked and says how many; the plain forms
// transfer everything or fail. Every error is an IOError carrying the errno and naming
// the file's path and the operation.
//
// Thread safety: thread-safe; each thread uses its own ring. Concurrent writes to
// overlapping ranges are the caller's problem, as with pwrite(2).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "engine/status.h"

namespace ringlog {

struct IoOp;

class UringFile final {
 public:
  // Opens `path` with open(2) `flags` (O_CLOEXEC is added) and `mode`. NotFound when the
  // file is missing and O_CREAT is not given; AlreadyExists when O_CREAT|O_EXCL finds it;
  // IOError otherwise. `queue_depth` sizes the ring of any thread that first touches
  // io_uring through this file.
  static Result<std::unique_ptr<UringFile>> Open(const std::string& path, int flags, mode_t mode,
                                                 unsigned queue_depth);
  // Takes ownership of an already open `fd`; `path` is only used in messages.
  static std::unique_ptr<UringFile> Adopt(int fd, std::string path, unsigned queue_depth);

  ~UringFile();  // closes the fd
  UringFile(const UringFile&) = delete;
  UringFile& operator=(const UringFile&) = delete;

  int fd() const { return fd_; }
  const std::string& path() const { return path_; }

  // The current size, from fstat(2).
  Result<uint64_t> Size() const;

  // One read at `offset` into `buf`; returns the bytes read, fewer than asked when the
  // kernel says so (0 at end of file).
  Result<size_t> ReadSome(uint64_t offset, std::span<uint8_t> buf) const;
  // Fills `buf` from `offset`, re-reading after short reads. IOError when the file ends
  // first.
  Status Read(uint64_t offset, std::span<uint8_t> buf) const;

  // One write of `data` at `offset`; returns the bytes written, possibly fewer.
  Result<size_t> WriteSome(uint64_t offset, std::span<const uint8_t> data);
  // Writes all of `data` at `offset`, re-queueing after short writes.
  Status Write(uint64_t offset, std::span<const uint8_t> data);
  // Write, then fdatasync linked behind it so that it runs only after the whole write:
  // on OK the bytes are durable.
  Status WriteAndSync(uint64_t offset, std::span<const uint8_t> data);

  // Makes written data durable (fdatasync(2)).
  Status Fdatasync();
  // Reserves [offset, offset + len) on disk, growing the file size to cover it.
  Status Fallocate(uint64_t offset, uint64_t len);
  // Sets the file size to `size` (ftruncate(2); io_uring has no truncate before 6.9).
  Status Truncate(uint64_t size);

 private:
  UringFile(int fd, std::string path, unsigned queue_depth)
      : fd_(fd), path_(std::move(path)), queue_depth_(queue_depth) {}

  // Runs `ops` on this thread's ring. A failure is described as `what` on `len` bytes at
  // `offset` (no range when len is 0) of this file; the text is built only then.
  Status Run(std::span<IoOp> ops, const char* what, uint64_t offset = 0, uint64_t len = 0) const;

  const int fd_;
  const std::string path_;
  const unsigned queue_depth_;
};

}  // namespace ringlog
