#include "net/server/send_queue.h"

#include <glog/logging.h>

#include <algorithm>
#include <limits>
#include <utility>
#include <variant>

#include "engine/big_endian.h"

namespace ringlog {
namespace {

uint64_t PartLength(const OutboundFrame::Part& part) {
  if (const auto* s = std::get_if<std::string>(&part.data)) return s->size();
  return std::get<FileSlice>(part.data).length;
}

}  // namespace

void SendQueue::Push(OutboundFrame frame) {
  std::erase_if(frame.mutable_parts(),
                [](const OutboundFrame::Part& part) { return PartLength(part) == 0; });
  const uint64_t size = frame.size();
  CHECK_LE(size, static_cast<uint64_t>(std::numeric_limits<int32_t>::max()))
      << "response above Kafka's frame size limit";
  Entry entry{{}, std::move(frame)};
  StoreBigEndian(reinterpret_cast<uint8_t*>(entry.size_prefix.data()), static_cast<int32_t>(size));
  queued_bytes_ += entry.size_prefix.size() + size;
  frames_.push_back(std::move(entry));
}

SendQueue::PartView SendQueue::View(const Entry& entry, size_t index) {
  if (index == 0) return {entry.size_prefix.data(), nullptr, entry.size_prefix.size()};
  const OutboundFrame::Part& part = entry.frame.parts()[index - 1];
  if (const auto* s = std::get_if<std::string>(&part.data)) {
    return {s->data(), nullptr, s->size()};
  }
  const FileSlice& file = std::get<FileSlice>(part.data);
  return {nullptr, &file, file.length};
}

size_t SendQueue::GatherMemory(std::span<iovec> iov, bool* file_follows) const {
  *file_follows = false;
  size_t filled = 0;
  size_t part = front_part_;
  uint64_t offset = front_offset_;
  for (const Entry& entry : frames_) {
    for (; part < PartCount(entry); ++part, offset = 0) {
      const PartView view = View(entry, part);
      if (view.file != nullptr) {
        *file_follows = true;
        return filled;
      }
      if (filled == iov.size()) return filled;
      iov[filled++] = iovec{const_cast<char*>(view.bytes + offset), view.length - offset};
    }
    part = 0;
  }
  return filled;
}

bool SendQueue::front_is_file() const { return View(frames_.front(), front_part_).file != nullptr; }

FileSlice SendQueue::FrontFile() const {
  const PartView view = View(frames_.front(), front_part_);
  CHECK(view.file != nullptr);
  return FileSlice{view.file->fd, view.file->position + front_offset_,
                   view.file->length - front_offset_};
}

void SendQueue::Advance(uint64_t n) {
  CHECK_LE(n, queued_bytes_);
  queued_bytes_ -= n;
  while (n > 0) {
    const Entry& entry = frames_.front();
    const uint64_t part_left = View(entry, front_part_).length - front_offset_;
    const uint64_t taken = std::min(n, part_left);
    n -= taken;
    front_offset_ += taken;
    if (taken < part_left) break;
    front_offset_ = 0;
    if (++front_part_ == PartCount(entry)) {
      frames_.pop_front();
      front_part_ = 0;
    }
  }
}

}  // namespace ringlog
