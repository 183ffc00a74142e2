#include "engine/log/aborted_txn_index.h"

#include <glog/logging.h>

#include <algorithm>
#include <span>
#include <utility>

#include "engine/big_endian.h"
#include "engine/log/crc32c.h"

namespace ringlog {
namespace {

constexpr std::string_view kMagic = "RLAT";
constexpr int16_t kVersion = 1;
constexpr size_t kHeaderSize = 4 + 2 + 8 + 4;
constexpr size_t kEntrySize = 4 * 8;
constexpr size_t kCrcSize = 4;

std::span<const uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

template <typename T>
void Put(std::string& out, T value) {
  uint8_t bytes[sizeof(T)];
  StoreBigEndian<T>(bytes, value);
  out.append(reinterpret_cast<const char*>(bytes), sizeof(T));
}

template <typename T>
T Get(std::string_view bytes, size_t& at) {
  const T value = LoadBigEndian<T>(reinterpret_cast<const uint8_t*>(bytes.data() + at));
  at += sizeof(T);
  return value;
}

}  // namespace

void AbortedTxnIndex::Add(const AbortedTxnEntry& entry) {
  CHECK(entries_.empty() || entries_.back().last_offset < entry.last_offset)
      << "aborted transaction ending at " << entry.last_offset << " added out of order";
  entries_.push_back(entry);
}

std::vector<AbortedTxnEntry> AbortedTxnIndex::Collect(Offset from, Offset upto) const {
  std::vector<AbortedTxnEntry> found;
  auto it = std::lower_bound(
      entries_.begin(), entries_.end(), from,
      [](const AbortedTxnEntry& e, Offset wanted) { return e.last_offset < wanted; });
  for (; it != entries_.end(); ++it) {
    if (it->first_offset < upto) found.push_back(*it);
    if (it->last_stable_offset >= upto) break;
  }
  return found;
}

size_t AbortedTxnIndex::DropBefore(Offset log_start) {
  size_t dropped = 0;
  while (!entries_.empty() && entries_.front().last_offset < log_start) {
    entries_.pop_front();
    ++dropped;
  }
  return dropped;
}

std::string EncodeAbortedTxnIndex(const AbortedTxnIndex& index, Offset end) {
  std::string out(kMagic);
  Put<int16_t>(out, kVersion);
  Put<int64_t>(out, end);
  Put<int32_t>(out, static_cast<int32_t>(index.entries().size()));
  for (const AbortedTxnEntry& e : index.entries()) {
    Put<int64_t>(out, e.producer_id);
    Put<int64_t>(out, e.first_offset);
    Put<int64_t>(out, e.last_offset);
    Put<int64_t>(out, e.last_stable_offset);
  }
  Put<uint32_t>(out, Crc32c(Bytes(out)));
  return out;
}

Result<AbortedTxnSnapshot> DecodeAbortedTxnIndex(std::string_view blob) {
  if (blob.size() < kHeaderSize + kCrcSize || blob.substr(0, kMagic.size()) != kMagic) {
    return Status::Corruption("not an aborted transaction index");
  }
  const std::string_view body = blob.substr(0, blob.size() - kCrcSize);
  size_t at = body.size();
  if (Get<uint32_t>(blob, at) != Crc32c(Bytes(body))) {
    return Status::Corruption("aborted transaction index fails its CRC (torn or damaged)");
  }
  at = kMagic.size();
  if (const int16_t version = Get<int16_t>(body, at); version != kVersion) {
    return Status::Corruption("aborted transaction index of unknown version " +
                              std::to_string(version));
  }
  AbortedTxnSnapshot snapshot;
  snapshot.end = Get<int64_t>(body, at);
  const int32_t count = Get<int32_t>(body, at);
  if (snapshot.end < 0 || count < 0 ||
      body.size() - at != static_cast<size_t>(count) * kEntrySize) {
    return Status::Corruption("aborted transaction index with a bad end or entry count");
  }
  for (int32_t i = 0; i < count; ++i) {
    AbortedTxnEntry e;
    e.producer_id = Get<int64_t>(body, at);
    e.first_offset = Get<int64_t>(body, at);
    e.last_offset = Get<int64_t>(body, at);
    e.last_stable_offset = Get<int64_t>(body, at);
    const auto& held = snapshot.index.entries();
    if (e.first_offset < 0 || e.first_offset >= e.last_offset || e.last_offset >= snapshot.end ||
        e.last_stable_offset > e.last_offset + 1 ||
        (!held.empty() && held.back().last_offset >= e.last_offset)) {
      return Status::Corruption("aborted transaction index with an inconsistent entry");
    }
    snapshot.index.Add(e);
  }
  return snapshot;
}

}  // namespace ringlog
