#include "engine/group/offset_partition_state.h"

#include <glog/logging.h>

#include <algorithm>
#include <string_view>

namespace ringlog {
namespace {

std::string_view AsString(std::span<const uint8_t> bytes) {
  return std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

}  // namespace

void OffsetPartitionState::PutCommitted(const OffsetKey& key, const Stored& stored) {
  committed_[key.group].insert_or_assign(key.partition, stored);
}

void OffsetPartitionState::EraseCommitted(const OffsetKey& key) {
  auto group = committed_.find(key.group);
  if (group == committed_.end()) return;
  group->second.erase(key.partition);
  if (group->second.empty()) committed_.erase(group);
}

const OffsetPartitionState::Stored* OffsetPartitionState::FindCommitted(
    const OffsetKey& key) const {
  auto group = committed_.find(key.group);
  if (group == committed_.end()) return nullptr;
  auto it = group->second.find(key.partition);
  return it == group->second.end() ? nullptr : &it->second;
}

bool OffsetPartitionState::IsPending(const OffsetKey& key) const {
  return std::any_of(pending_.begin(), pending_.end(),
                     [&](const auto& producer) { return producer.second.contains(key); });
}

void OffsetPartitionState::Apply(const OffsetKey& key, const std::optional<CommittedOffset>& value,
                                 Offset at) {
  if (value) {
    PutCommitted(key, Stored{*value, at});
    return;
  }
  EraseCommitted(key);
  for (auto it = pending_.begin(); it != pending_.end();) {
    it->second.erase(key);
    it = it->second.empty() ? pending_.erase(it) : std::next(it);
  }
}

void OffsetPartitionState::ApplyPending(int64_t producer_id, const OffsetKey& key,
                                        const std::optional<CommittedOffset>& value, Offset at) {
  if (value) {
    pending_[producer_id].insert_or_assign(key, Stored{*value, at});
    return;
  }
  auto producer = pending_.find(producer_id);
  if (producer == pending_.end()) return;
  producer->second.erase(key);
  if (producer->second.empty()) pending_.erase(producer);
}

void OffsetPartitionState::Complete(int64_t producer_id, ControlType type) {
  auto producer = pending_.find(producer_id);
  if (producer == pending_.end()) return;
  if (type == ControlType::kCommit) {
    for (const auto& [key, stored] : producer->second) {
      const Stored* current = FindCommitted(key);
      if (current == nullptr || current->record < stored.record) PutCommitted(key, stored);
    }
  }
  pending_.erase(producer);
}

int64_t OffsetPartitionState::Replay(const RecordBatchView& batch, Offset log_start) {
  const BatchHeader& header = batch.header();
  if (Status crc = batch.VerifyCrc(); !crc.ok()) {
    LOG(ERROR) << "skipping offsets batch at " << header.base_offset << ": " << crc.ToString();
    return 0;
  }
  if (header.is_control()) {
    if (header.base_offset < log_start) return 0;
    Result<ControlMarker> marker = ParseControlBatch(batch.bytes());
    if (marker.ok()) {
      Complete(marker->producer_id, marker->type);
    } else if (!marker.status().IsInvalidArgument()) {
      // InvalidArgument: another kind of control batch, which says nothing about offsets.
      LOG(ERROR) << "skipping control batch at " << header.base_offset << ": "
                 << marker.status().ToString();
    }
    return 0;
  }
  int64_t applied = 0;
  ReplayRecords(batch, log_start, &applied);
  return applied;
}

void OffsetPartitionState::ReplayRecords(const RecordBatchView& batch, Offset log_start,
                                         int64_t* applied) {
  const BatchHeader& header = batch.header();
  Result<std::vector<Record>> records = DecodeRecords(batch);
  if (!records.ok()) {
    LOG(ERROR) << "skipping offsets batch at " << header.base_offset << ": "
               << records.status().ToString();
    return;
  }
  for (const Record& record : *records) {
    if (record.offset < log_start) continue;
    ++*applied;
    Result<OffsetKey> key =
        record.key ? DecodeOffsetKey(AsString(*record.key)) : Status::Corruption("null key");
    if (!key.ok()) {
      LOG(ERROR) << "skipping offsets record " << record.offset << ": " << key.status().ToString();
      continue;
    }
    std::optional<CommittedOffset> value;
    if (record.value) {
      Result<CommittedOffset> decoded = DecodeOffsetValue(AsString(*record.value));
      if (!decoded.ok()) {
        LOG(ERROR) << "skipping offsets record " << record.offset << ": "
                   << decoded.status().ToString();
        continue;
      }
      value = std::move(*decoded);
    }
    if (header.is_transactional()) {
      ApplyPending(header.producer_id, *key, value, record.offset);
    } else {
      Apply(*key, value, record.offset);
    }
  }
}

std::optional<CommittedOffset> OffsetPartitionState::Get(const std::string& group,
                                                         const PartitionId& p) const {
  const Stored* stored = FindCommitted(OffsetKey{group, p});
  if (stored == nullptr) return std::nullopt;
  return stored->value;
}

OffsetPartitionState::Offsets OffsetPartitionState::GetAll(const std::string& group) const {
  Offsets out;
  auto it = committed_.find(group);
  if (it == committed_.end()) return out;
  for (const auto& [partition, stored] : it->second) out.emplace(partition, stored.value);
  return out;
}

std::set<PartitionId> OffsetPartitionState::PendingPartitions(const std::string& group) const {
  std::set<PartitionId> out;
  for (const auto& [producer, offsets] : pending_) {
    for (const auto& [key, stored] : offsets) {
      if (key.group == group) out.insert(key.partition);
    }
  }
  return out;
}

bool OffsetPartitionState::HasGroup(const std::string& group) const {
  if (committed_.contains(group)) return true;
  return std::any_of(pending_.begin(), pending_.end(), [&](const auto& producer) {
    return std::any_of(producer.second.begin(), producer.second.end(),
                       [&](const auto& entry) { return entry.first.group == group; });
  });
}

std::vector<std::string> OffsetPartitionState::Groups() const {
  std::set<std::string> groups;
  for (const auto& [group, offsets] : committed_) groups.insert(group);
  for (const auto& [producer, offsets] : pending_) {
    for (const auto& [key, stored] : offsets) groups.insert(key.group);
  }
  return std::vector<std::string>(groups.begin(), groups.end());
}

std::vector<OffsetKey> OffsetPartitionState::Keys(
    const std::function<bool(const OffsetKey&)>& select) const {
  std::set<OffsetKey> keys;
  for (const auto& [group, offsets] : committed_) {
    for (const auto& [partition, stored] : offsets) {
      OffsetKey key{group, partition};
      if (select(key)) keys.insert(std::move(key));
    }
  }
  for (const auto& [producer, offsets] : pending_) {
    for (const auto& [key, stored] : offsets) {
      if (select(key)) keys.insert(key);
    }
  }
  return std::vector<OffsetKey>(keys.begin(), keys.end());
}

size_t OffsetPartitionState::live() const {
  size_t live = 0;
  for (const auto& [group, offsets] : committed_) live += offsets.size();
  return live;
}

std::vector<std::pair<OffsetKey, CommittedOffset>> OffsetPartitionState::Restatable() const {
  std::vector<std::pair<OffsetKey, CommittedOffset>> out;
  for (const auto& [group, offsets] : committed_) {
    for (const auto& [partition, stored] : offsets) {
      OffsetKey key{group, partition};
      if (!IsPending(key)) out.emplace_back(std::move(key), stored.value);
    }
  }
  return out;
}

std::optional<Offset> OffsetPartitionState::OldestNeeded() const {
  std::optional<Offset> oldest;
  for (const auto& [producer, offsets] : pending_) {
    for (const auto& [key, stored] : offsets) {
      Offset needed = stored.record;
      if (const Stored* committed = FindCommitted(key); committed != nullptr) {
        needed = std::min(needed, committed->record);
      }
      oldest = std::min(oldest.value_or(needed), needed);
    }
  }
  return oldest;
}

}  // namespace ringlog
