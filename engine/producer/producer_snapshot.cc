#include "engine/producer/producer_snapshot.h"

#include <cstdint>
#include <span>
#include <utility>

#include "engine/big_endian.h"
#include "engine/log/crc32c.h"

namespace ringlog {
namespace {

constexpr std::string_view kMagic = "RLPS";
constexpr int16_t kVersion = 2;
constexpr int16_t kVersionWithoutTxns = 1;
constexpr size_t kHeaderSize = 4 + 2 + 8 + 4;
constexpr size_t kProducerSizeV1 = 8 + 2 + 1;
constexpr size_t kProducerSize = 8 + 2 + 4 + 8 + 8 + 1;
constexpr size_t kBatchSize = 4 + 4 + 8 + 8 + 8;
constexpr size_t kCrcSize = 4;

std::span<const uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

class Writer {
 public:
  template <typename T>
  void Put(T value) {
    uint8_t bytes[sizeof(T)];
    StoreBigEndian<T>(bytes, value);
    out_.append(reinterpret_cast<const char*>(bytes), sizeof(T));
  }
  std::string& out() { return out_; }

 private:
  std::string out_;
};

// Reads fields in order; the caller checked that enough bytes remain.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}
  template <typename T>
  T Get() {
    const T value = LoadBigEndian<T>(reinterpret_cast<const uint8_t*>(bytes_.data() + at_));
    at_ += sizeof(T);
    return value;
  }
  size_t remaining() const { return bytes_.size() - at_; }

 private:
  std::string_view bytes_;
  size_t at_ = 0;
};

}  // namespace

std::string EncodeProducerSnapshot(const ProducerState& state, Offset end) {
  Writer w;
  w.out().append(kMagic);
  w.Put<int16_t>(kVersion);
  w.Put<int64_t>(end);
  w.Put<int32_t>(static_cast<int32_t>(state.producer_count()));
  for (const auto& [id, entry] : state.entries()) {
    w.Put<int64_t>(id);
    w.Put<int16_t>(entry.epoch);
    w.Put<int32_t>(entry.coordinator_epoch);
    w.Put<int64_t>(entry.txn_first_offset);
    w.Put<int64_t>(entry.last_timestamp);
    w.Put<int8_t>(static_cast<int8_t>(entry.batches.size()));
    for (const ProducerBatch& b : entry.batches) {
      w.Put<int32_t>(b.first_sequence);
      w.Put<int32_t>(b.last_sequence);
      w.Put<int64_t>(b.first_offset);
      w.Put<int64_t>(b.last_offset);
      w.Put<int64_t>(b.max_timestamp);
    }
  }
  w.Put<uint32_t>(Crc32c(Bytes(w.out())));
  return std::move(w.out());
}

Result<ProducerSnapshot> DecodeProducerSnapshot(std::string_view blob) {
  if (blob.size() < kHeaderSize + kCrcSize || blob.substr(0, kMagic.size()) != kMagic) {
    return Status::Corruption("not a producer state snapshot");
  }
  const std::string_view body = blob.substr(0, blob.size() - kCrcSize);
  if (Reader(blob.substr(body.size())).Get<uint32_t>() != Crc32c(Bytes(body))) {
    return Status::Corruption("producer state snapshot fails its CRC (torn or damaged)");
  }
  Reader r(body.substr(kMagic.size()));
  const int16_t version = r.Get<int16_t>();
  if (version != kVersion && version != kVersionWithoutTxns) {
    return Status::Corruption("producer state snapshot of unknown version " +
                              std::to_string(version));
  }
  const bool v1 = version == kVersionWithoutTxns;
  ProducerSnapshot snapshot;
  snapshot.end = r.Get<int64_t>();
  snapshot.before_txns = v1;
  const int32_t producers = r.Get<int32_t>();
  if (snapshot.end < 0 || producers < 0) {
    return Status::Corruption("producer state snapshot with a negative end or count");
  }
  for (int32_t i = 0; i < producers; ++i) {
    if (r.remaining() < (v1 ? kProducerSizeV1 : kProducerSize)) {
      return Status::Corruption("producer state snapshot cut short");
    }
    const int64_t id = r.Get<int64_t>();
    ProducerEntry entry;
    entry.epoch = r.Get<int16_t>();
    if (!v1) {
      entry.coordinator_epoch = r.Get<int32_t>();
      entry.txn_first_offset = r.Get<int64_t>();
      entry.last_timestamp = r.Get<int64_t>();
      if (entry.txn_first_offset < kNoTxn || entry.txn_first_offset >= snapshot.end) {
        return Status::Corruption("producer state snapshot with a transaction outside its range");
      }
    }
    const int8_t batches = r.Get<int8_t>();
    if (batches < (v1 ? 1 : 0) || static_cast<size_t>(batches) > ProducerState::kMaxCachedBatches ||
        r.remaining() < batches * kBatchSize) {
      return Status::Corruption("producer state snapshot with a bad batch list for producer " +
                                std::to_string(id));
    }
    for (int8_t b = 0; b < batches; ++b) {
      ProducerBatch batch;
      batch.first_sequence = r.Get<int32_t>();
      batch.last_sequence = r.Get<int32_t>();
      batch.first_offset = r.Get<int64_t>();
      batch.last_offset = r.Get<int64_t>();
      batch.max_timestamp = r.Get<int64_t>();
      if (batch.last_offset >= snapshot.end || batch.first_offset > batch.last_offset) {
        return Status::Corruption("producer state snapshot with a batch outside its range");
      }
      entry.batches.push_back(batch);
    }
    if (v1) entry.last_timestamp = entry.batches.back().max_timestamp;
    snapshot.state.Restore(id, std::move(entry));
  }
  if (r.remaining() != 0) return Status::Corruption("trailing bytes in producer state snapshot");
  return snapshot;
}

}  // namespace ringlog
