// What a read of a partition returns: whole record batches, either as a slice of a file
// (which the network layer can send with sendfile/splice, never copying it through user
// space) or as bytes in memory (a backend without files).
#pragma once

#include <memory>
#include <string>
#include <variant>

#include "engine/status.h"
#include "engine/types.h"

namespace ringlog {

// `length` bytes at `position` of the open file `fd`. The fd stays valid while the
// ReadResult holding it (its `pin`) is alive.
struct FileSlice {
  int fd = -1;
  uint64_t position = 0;
  uint64_t length = 0;
};

struct ReadResult {
  // Base offset of the first batch returned; at or below the offset that was asked for,
  // because a read starts at the batch holding that offset. Meaningless when empty().
  Offset first_offset = 0;
  // One past the last offset of the last batch returned; the offset to read next.
  Offset next_offset = 0;
  // The batches: a file slice or owned bytes. An empty string when there was nothing to read.
  std::variant<std::string, FileSlice> data;
  // Keeps the source of a file slice (its segment and fd) alive while the result is held.
  std::shared_ptr<const void> pin;

  uint64_t size_bytes() const;
  bool empty() const { return size_bytes() == 0; }
  bool is_file_slice() const { return std::holds_alternative<FileSlice>(data); }
};

// The bytes of `result` in memory: a copy of a file slice (read with pread), or of the
// owned bytes. IOError when the file read fails or comes up short.
Result<std::string> CopyReadBytes(const ReadResult& result);

}  // namespace ringlog
