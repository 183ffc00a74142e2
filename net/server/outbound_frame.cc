#include "net/server/outbound_frame.h"

namespace ringlog {

std::string* OutboundFrame::bytes() {
  if (parts_.empty() || !std::holds_alternative<std::string>(parts_.back().data)) {
    parts_.push_back(Part{std::string(), nullptr});
  }
  return &std::get<std::string>(parts_.back().data);
}

void OutboundFrame::AppendRecords(const ReadResult& records) {
  if (records.empty()) return;
  if (const auto* slice = std::get_if<FileSlice>(&records.data)) {
    parts_.push_back(Part{*slice, records.pin});
    return;
  }
  bytes()->append(std::get<std::string>(records.data));
}

uint64_t OutboundFrame::size() const {
  uint64_t total = 0;
  for (const Part& p : parts_) {
    if (const auto* s = std::get_if<std::string>(&p.data)) {
      total += s->size();
    } else {
      total += std::get<FileSlice>(p.data).length;
    }
  }
  return total;
}

Result<std::string> OutboundFrame::Flatten() const {
  std::string out;
  out.reserve(size());
  for (const Part& p : parts_) {
    if (const auto* s = std::get_if<std::string>(&p.data)) {
      out.append(*s);
      continue;
    }
    ReadResult slice;
    slice.data = std::get<FileSlice>(p.data);
    ASSIGN_OR_RETURN(std::string bytes, CopyReadBytes(slice));
    out.append(bytes);
  }
  return out;
}

}  // namespace ringlog
