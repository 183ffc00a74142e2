// SendQueue: the responses waiting to go out on one socket, in order, each as its 4-byte
// big-endian size followed by its parts, with a cursor marking how far sending got. It
// does no I/O: the writer asks it for the next run of memory bytes (as an iovec list that
// may span many small responses) or the next file slice, and reports how many bytes the
// socket took. A response's parts, and the pins that keep its file slices open, are
// released as soon as its last byte is sent.
//
// Thread safety: none; one connection's loop thread uses it.
#pragma once

#include <sys/uio.h>

#include <array>
#include <cstdint>
#include <deque>
#include <span>

#include "engine/log/read_result.h"
#include "net/server/outbound_frame.h"

namespace ringlog {

class SendQueue {
 public:
  SendQueue() = default;
  SendQueue(const SendQueue&) = delete;
  SendQueue& operator=(const SendQueue&) = delete;

  // Queues `frame` behind the responses already queued. Empty parts are dropped. A frame
  // must fit Kafka's int32 size (CHECK).
  void Push(OutboundFrame frame);

  bool empty() const { return frames_.empty(); }
  // Bytes queued and not yet sent, size prefixes included.
  uint64_t queued_bytes() const { return queued_bytes_; }

  // Points `iov` at the unsent memory bytes from the front on, stopping at the first file
  // part or when `iov` is full. Returns how many entries were filled: 0 when the front is a
  // file part. Sets *file_follows when a file part stopped the gathering. The pointers stay
  // valid until Advance() passes them.
  size_t GatherMemory(std::span<iovec> iov, bool* file_follows) const;
  // Whether the front part is a file slice. REQUIRES: !empty().
  bool front_is_file() const;
  // The unsent rest of the front part. REQUIRES: front_is_file().
  FileSlice FrontFile() const;

  // Marks the next `n` bytes as sent. REQUIRES: n <= queued_bytes().
  void Advance(uint64_t n);

 private:
  struct Entry {
    std::array<char, 4> size_prefix;
    OutboundFrame frame;
  };
  // Part `index` of an entry: 0 is the size prefix, then the frame's parts. Exactly one of
  // `bytes` and `file` is set.
  struct PartView {
    const char* bytes = nullptr;
    const FileSlice* file = nullptr;
    uint64_t length = 0;
  };
  static PartView View(const Entry& entry, size_t index);
  static size_t PartCount(const Entry& entry) { return entry.frame.parts().size() + 1; }

  std::deque<Entry> frames_;
  // The cursor: part front_part_ of frames_.front(), of which front_offset_ bytes are sent.
  size_t front_part_ = 0;
  uint64_t front_offset_ = 0;
  uint64_t queued_bytes_ = 0;
};

}  // namespace ringlog
