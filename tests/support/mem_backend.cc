#include "tests/support/mem_backend.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <filesystem>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <string_view>
#include <utility>
#include <vector>

namespace ringlog::testing {
namespace {

struct StoredBatch {
  Offset base_offset = 0;
  Offset next_offset = 0;
  TimestampMs max_timestamp = kNoTimestamp;
  std::string bytes;
};

// The stored bytes of one segment, shared by the disk and every Segment object opened on
// it, so that a deleted segment keeps serving the readers that still hold it.
struct SegmentData {
  explicit SegmentData(Offset base) : base_offset(base) {}

  const Offset base_offset;
  mutable std::shared_mutex mu;
  std::vector<StoredBatch> batches;  // guarded by mu; ascending offsets
  uint64_t size_bytes = 0;           // guarded by mu
};

struct MemDisk {
  std::mutex mu;
  std::map<PartitionId, std::map<Offset, std::shared_ptr<SegmentData>>> partitions;
  std::map<std::string, std::string, std::less<>> meta;
};

class MemSegment final : public Segment {
 public:
  MemSegment(std::shared_ptr<SegmentData> data, bool sealed)
      : data_(std::move(data)), sealed_(sealed) {}

  Offset base_offset() const override { return data_->base_offset; }

  Offset next_offset() const override {
    std::shared_lock lock(data_->mu);
    return data_->batches.empty() ? data_->base_offset : data_->batches.back().next_offset;
  }

  uint64_t size_bytes() const override {
    std::shared_lock lock(data_->mu);
    return data_->size_bytes;
  }

  TimestampMs max_timestamp() const override {
    std::shared_lock lock(data_->mu);
    TimestampMs max_ts = kNoTimestamp;
    for (const StoredBatch& b : data_->batches) max_ts = std::max(max_ts, b.max_timestamp);
    return max_ts;
  }

  bool sealed() const override { return sealed_.load(); }

  Status Append(const RecordBatchView& batch, WrittenCallback written) override {
    if (sealed_.load()) return Status::InvalidArgument("append to a sealed segment");
    std::unique_lock lock(data_->mu);
    const Offset expected =
        data_->batches.empty() ? data_->base_offset : data_->batches.back().next_offset;
    if (batch.header().base_offset != expected) {
      return Status::InvalidArgument(
          "batch base offset " + std::to_string(batch.header().base_offset) +
          " is not the segment's next offset " + std::to_string(expected));
    }
    const auto bytes = batch.bytes();
    data_->batches.push_back(
        {batch.header().base_offset, batch.header().next_offset(), batch.header().max_timestamp,
         std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size())});
    data_->size_bytes += bytes.size();
    lock.unlock();
    written(Status::OK());
    return Status::OK();
  }

  Result<ReadResult> Read(Offset offset, size_t max_bytes) const override {
    std::shared_lock lock(data_->mu);
    const auto& batches = data_->batches;
    auto it = std::upper_bound(batches.begin(), batches.end(), offset,
                               [](Offset o, const StoredBatch& b) { return o < b.next_offset; });
    if (offset < data_->base_offset || it == batches.end() || offset < it->base_offset) {
      return Status::OutOfRange("offset " + std::to_string(offset) + " is not in segment " +
                                std::to_string(data_->base_offset));
    }
    ReadResult result;
    result.first_offset = it->base_offset;
    std::string out;
    do {
      out += it->bytes;
      result.next_offset = it->next_offset;
      ++it;
    } while (it != batches.end() && out.size() + it->bytes.size() <= max_bytes);
    result.data = std::move(out);
    return result;
  }

  Result<Offset> FindOffsetByTimestamp(TimestampMs ts) const override {
    std::shared_lock lock(data_->mu);
    for (const StoredBatch& b : data_->batches) {
      if (b.max_timestamp >= ts) return b.base_offset;
    }
    return Status::NotFound("no batch with timestamp >= " + std::to_string(ts));
  }

  Status Flush() override { return Status::OK(); }

  Status Seal() override {
    sealed_.store(true);
    return Status::OK();
  }

  Status TruncateTo(Offset offset) override {
    std::unique_lock lock(data_->mu);
    auto& batches = data_->batches;
    while (!batches.empty() && batches.back().base_offset >= offset) {
      data_->size_bytes -= batches.back().bytes.size();
      batches.pop_back();
    }
    return Status::OK();
  }

 private:
  const std::shared_ptr<SegmentData> data_;
  std::atomic<bool> sealed_;
};

bool ValidMetaName(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
  });
}

class MemBackend final : public StorageBackend {
 public:
  explicit MemBackend(std::shared_ptr<MemDisk> disk) : disk_(std::move(disk)) {}

  std::string_view name() const override { return "mem"; }
  BackendCapabilities capabilities() const override { return {}; }

  Result<std::vector<PartitionId>> ListPartitions() override {
    std::lock_guard lock(disk_->mu);
    std::vector<PartitionId> ids;
    for (const auto& [id, segments] : disk_->partitions) ids.push_back(id);
    return ids;
  }

  Result<std::vector<std::unique_ptr<Segment>>> OpenPartition(const PartitionId& partition,
                                                              const SegmentOptions&) override {
    std::lock_guard lock(disk_->mu);
    std::vector<std::unique_ptr<Segment>> out;
    auto it = disk_->partitions.find(partition);
    if (it == disk_->partitions.end()) return out;
    size_t left = it->second.size();
    for (const auto& [base, data] : it->second) {
      out.push_back(std::make_unique<MemSegment>(data, --left > 0));
    }
    return out;
  }

  Result<std::unique_ptr<Segment>> CreateSegment(const PartitionId& partition, Offset base_offset,
                                                 const SegmentOptions&) override {
    std::lock_guard lock(disk_->mu);
    auto& segments = disk_->partitions[partition];
    if (segments.contains(base_offset)) {
      return Status::AlreadyExists("segment " + std::to_string(base_offset) + " of " +
                                   partition.ToString());
    }
    auto data = std::make_shared<SegmentData>(base_offset);
    segments.emplace(base_offset, data);
    return std::unique_ptr<Segment>(std::make_unique<MemSegment>(std::move(data), false));
  }

  Status DeleteSegment(const PartitionId& partition, Offset base_offset) override {
    std::lock_guard lock(disk_->mu);
    auto it = disk_->partitions.find(partition);
    if (it == disk_->partitions.end() || it->second.erase(base_offset) == 0) {
      return Status::NotFound("segment " + std::to_string(base_offset) + " of " +
                              partition.ToString());
    }
    return Status::OK();
  }

  Status DeletePartition(const PartitionId& partition) override {
    std::lock_guard lock(disk_->mu);
    disk_->partitions.erase(partition);
    return Status::OK();
  }

  Status PutMeta(std::string_view name, std::string_view value) override {
    if (!ValidMetaName(name)) return Status::InvalidArgument("bad meta name");
    std::lock_guard lock(disk_->mu);
    disk_->meta.insert_or_assign(std::string(name), std::string(value));
    return Status::OK();
  }

  Result<std::string> GetMeta(std::string_view name) override {
    std::lock_guard lock(disk_->mu);
    auto it = disk_->meta.find(name);
    if (it == disk_->meta.end()) return Status::NotFound("meta " + std::string(name));
    return it->second;
  }

  Status DeleteMeta(std::string_view name) override {
    std::lock_guard lock(disk_->mu);
    auto it = disk_->meta.find(name);
    if (it == disk_->meta.end()) return Status::NotFound("meta " + std::string(name));
    disk_->meta.erase(it);
    return Status::OK();
  }

  Result<std::vector<std::string>> ListMeta(std::string_view prefix) override {
    std::lock_guard lock(disk_->mu);
    std::vector<std::string> names;
    for (auto it = disk_->meta.lower_bound(prefix);
         it != disk_->meta.end() && it->first.starts_with(prefix); ++it) {
      names.push_back(it->first);
    }
    return names;
  }

  Status Close() override { return Status::OK(); }

 private:
  const std::shared_ptr<MemDisk> disk_;
};

struct Registry {
  std::mutex mu;
  std::map<std::string, std::shared_ptr<MemDisk>> disks;
};

Registry& GetRegistry() {
  static Registry* registry = new Registry();  // never destroyed: disks outlive tests
  return *registry;
}

}  // namespace

Result<std::unique_ptr<StorageBackend>> OpenMemBackend(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IOError("create " + dir + ": " + ec.message());
  Registry& registry = GetRegistry();
  std::lock_guard lock(registry.mu);
  std::erase_if(registry.disks, [](const auto& entry) {
    std::error_code exists_ec;
    return !std::filesystem::exists(entry.first, exists_ec);
  });
  auto& disk = registry.disks[dir];
  if (disk == nullptr) disk = std::make_shared<MemDisk>();
  return std::unique_ptr<StorageBackend>(std::make_unique<MemBackend>(disk));
}

}  // namespace ringlog::testing
