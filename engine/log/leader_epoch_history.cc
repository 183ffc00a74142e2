#include "engine/log/leader_epoch_history.h"

#include <algorithm>
#include <charconv>

namespace ringlog {
namespace {

constexpr std::string_view kHeader = "ringlog-leader-epochs 1";
constexpr std::string_view kCountKey = "count ";

// The next line of `rest` (without its '\n'), consumed; false when no whole line is left.
bool NextLine(std::string_view& rest, std::string_view& line) {
  const size_t end = rest.find('\n');
  if (end == std::string_view::npos) return false;
  line = rest.substr(0, end);
  rest.remove_prefix(end + 1);
  return true;
}

// A whole non-negative decimal number.
template <typename T>
bool ParseNumber(std::string_view text, T& value) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return !text.empty() && ec == std::errc() && end == text.data() + text.size() && value >= 0;
}

Status Bad(std::string_view what) {
  return Status::Corruption("leader epoch history: " + std::string(what));
}

}  // namespace

bool LeaderEpochHistory::Assign(int32_t epoch, Offset start_offset) {
  if (!entries_.empty() && entries_.back().epoch == epoch &&
      entries_.back().start_offset <= start_offset) {
    return false;
  }
  std::erase_if(entries_, [&](const EpochStart& e) {
    return e.epoch >= epoch || e.start_offset >= start_offset;
  });
  entries_.push_back({epoch, start_offset});
  return true;
}

EpochEndOffset LeaderEpochHistory::EndOffsetFor(int32_t epoch, Offset log_end) const {
  if (epoch < 0 || entries_.empty()) return {};
  if (epoch == entries_.back().epoch) return {epoch, log_end};
  // The first entry with a larger epoch; none means `epoch` is newer than all of them.
  const auto higher =
      std::upper_bound(entries_.begin(), entries_.end(), epoch,
                       [](int32_t wanted, const EpochStart& e) { return wanted < e.epoch; });
  if (higher == entries_.end()) return {};
  if (higher == entries_.begin()) return {epoch, higher->start_offset};
  return {std::prev(higher)->epoch, higher->start_offset};
}

bool LeaderEpochHistory::TruncateFromEnd(Offset end_offset) {
  return std::erase_if(entries_,
                       [&](const EpochStart& e) { return e.start_offset >= end_offset; }) > 0;
}

bool LeaderEpochHistory::TruncateFromStart(Offset start_offset) {
  // The entries are ordered by start: the last one at or below `start_offset` survives.
  const auto after =
      std::upper_bound(entries_.begin(), entries_.end(), start_offset,
                       [](Offset wanted, const EpochStart& e) { return wanted < e.start_offset; });
  if (after == entries_.begin()) return false;
  const auto kept = std::prev(after);
  if (kept == entries_.begin() && kept->start_offset == start_offset) return false;
  kept->start_offset = start_offset;
  entries_.erase(entries_.begin(), kept);
  return true;
}

std::string LeaderEpochHistory::Encode() const {
  std::string out(kHeader);
  out.append("\n").append(kCountKey).append(std::to_string(entries_.size())).append("\n");
  for (const EpochStart& e : entries_) {
    out.append(std::to_string(e.epoch)).append(" ").append(std::to_string(e.start_offset));
    out.append("\n");
  }
  return out;
}

Result<LeaderEpochHistory> LeaderEpochHistory::Decode(std::string_view blob) {
  std::string_view rest = blob;
  std::string_view line;
  if (!NextLine(rest, line) || line != kHeader) return Bad("not a version 1 history");
  size_t count = 0;
  if (!NextLine(rest, line) || !line.starts_with(kCountKey) ||
      !ParseNumber(line.substr(kCountKey.size()), count)) {
    return Bad("bad count line");
  }
  LeaderEpochHistory history;
  for (size_t i = 0; i < count; ++i) {
    const size_t space = NextLine(rest, line) ? line.find(' ') : std::string_view::npos;
    EpochStart entry;
    if (space == std::string_view::npos || !ParseNumber(line.substr(0, space), entry.epoch) ||
        !ParseNumber(line.substr(space + 1), entry.start_offset)) {
      return Bad("bad entry " + std::to_string(i));
    }
    if (!history.entries_.empty() && (entry.epoch <= history.entries_.back().epoch ||
                                      entry.start_offset <= history.entries_.back().start_offset)) {
      return Bad("entry " + std::to_string(i) + " is out of order");
    }
    history.entries_.push_back(entry);
  }
  if (!rest.empty()) return Bad("bytes after the last entry");
  return history;
}

}  // namespace ringlog
