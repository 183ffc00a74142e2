// OutboundFrame: one response on its way to a socket, as the bytes that follow its 4-byte
// size prefix. Record data is held where it lies — a file slice that the server sends with
// splice/sendfile, or an owned buffer — so a fetch never copies segment bytes into the
// frame. Everything else is encoded into memory parts.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "engine/log/read_result.h"
#include "engine/status.h"

namespace ringlog {

class OutboundFrame {
 public:
  struct Part {
    std::variant<std::string, FileSlice> data;
    std::shared_ptr<const void> pin;  // keeps a file slice's source alive
  };

  OutboundFrame() = default;
  OutboundFrame(OutboundFrame&&) = default;
  OutboundFrame& operator=(OutboundFrame&&) = default;
  OutboundFrame(const OutboundFrame&) = delete;
  OutboundFrame& operator=(const OutboundFrame&) = delete;

  // The memory part at the end of the frame, to append encoded bytes to (a WireWriter
  // over it). The pointer is valid until the next AppendRecords.
  std::string* bytes();
  // Appends the batches of a read: a file slice stays a reference (sharing the read's
  // pin), owned bytes are copied once onto the end of the frame's memory bytes.
  void AppendRecords(const ReadResult& records);

  // Total bytes after the size prefix.
  uint64_t size() const;
  const std::vector<Part>& parts() const { return parts_; }
  std::vector<Part>& mutable_parts() { return parts_; }

  // The whole frame in memory, file slices read with pread. For the copying send path and
  // for tests.
  Result<std::string> Flatten() const;

 private:
  std::vector<Part> parts_;
};

}  // namespace ringlog
