// OffsetPartitionState: what one partition of the offsets topic ("__consumer_offsets")
// replays to, in memory: each group's committed offsets, and the offsets that
// transactional producers committed (TxnOffsetCommit) and whose transaction has not ended
// yet — pending, per producer, until a marker of that producer in the same partition
// commits or aborts them. OffsetStore keeps one per loaded partition, applies what it
// appends and replays the log into it.
//
// Every value remembers the log offset of the record that carries it, because with plain
// and transactional commits of the same partition mixed the newest record wins, as in
// Kafka: a COMMIT makes a pending offset committed unless the committed one was written
// after it. A plain tombstone (group or topic deletion) drops the key's committed offset
// and every producer's pending one.
//
// Example, offsets of one key: plain 10 at @5; producer 7 pending 20 at @8; plain 30 at
// @9; COMMIT of 7 at @12 -> committed 30 (@9 is newer than @8). Without @9 it would be 20.
//
// Snapshots (OffsetStore::MaybeCompact) write the committed offsets again and drop the log
// before them; a key with pending offsets is not written again, since a marker that is
// already in the log but not yet applied here would land before the snapshot's record in
// a replay. Its records are kept instead: OldestNeeded() says where the log must still
// start.
//
// Thread safety: thread-compatible.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "engine/group/offset_record.h"
#include "engine/log/control_batch.h"
#include "engine/log/record_batch.h"
#include "engine/types.h"

namespace ringlog {

class OffsetPartitionState {
 public:
  using Offsets = std::map<PartitionId, CommittedOffset>;

  // A plain record at log offset `at`: a value, or a tombstone (nullopt).
  void Apply(const OffsetKey& key, const std::optional<CommittedOffset>& value, Offset at);
  // A record of producer `producer_id`'s transactional batch at `at`: the value becomes
  // the producer's pending offset of the key; a tombstone drops that pending offset.
  void ApplyPending(int64_t producer_id, const OffsetKey& key,
                    const std::optional<CommittedOffset>& value, Offset at);
  // A marker of producer `producer_id`: kCommit makes its pending offsets committed (each
  // unless the committed offset of its key is newer), kAbort drops them.
  void Complete(int64_t producer_id, ControlType type);
  // Replays one batch of the log: a plain batch applies, a transactional one adds pending
  // offsets, a marker completes its producer's. Records below `log_start` are skipped, and
  // so are (with a LOG(ERROR)) batches with a bad CRC and records that do not decode.
  // Returns the offset records it applied.
  int64_t Replay(const RecordBatchView& batch, Offset log_start);

  std::optional<CommittedOffset> Get(const std::string& group, const PartitionId& p) const;
  // Every committed offset of `group`.
  Offsets GetAll(const std::string& group) const;
  // The partitions for which `group` has pending offsets.
  std::set<PartitionId> PendingPartitions(const std::string& group) const;
  // True when `group` has a committed or a pending offset.
  bool HasGroup(const std::string& group) const;
  // The groups with a committed or a pending offset, sorted.
  std::vector<std::string> Groups() const;
  // The keys with a committed or a pending offset that `select` picks, sorted.
  std::vector<OffsetKey> Keys(const std::function<bool(const OffsetKey&)>& select) const;
  // Committed offsets.
  size_t live() const;

  // What a snapshot writes again: the committed offsets of the keys without a pending
  // offset, sorted.
  std::vector<std::pair<OffsetKey, CommittedOffset>> Restatable() const;
  // The lowest log offset a replay must start at to rebuild what Restatable() leaves out:
  // the records of every pending offset and of the committed offsets of their keys.
  // nullopt when nothing is pending.
  std::optional<Offset> OldestNeeded() const;

 private:
  struct Stored {
    CommittedOffset value;
    Offset record = 0;  // the log offset of the record that carries it
  };
  using Keyed = std::map<PartitionId, Stored>;

  void PutCommitted(const OffsetKey& key, const Stored& stored);
  void EraseCommitted(const OffsetKey& key);
  const Stored* FindCommitted(const OffsetKey& key) const;
  bool IsPending(const OffsetKey& key) const;
  void ReplayRecords(const RecordBatchView& batch, Offset log_start, int64_t* applied);

  // group -> partition -> committed offset.
  std::map<std::string, Keyed> committed_;
  // producer id -> its pending offsets.
  std::map<int64_t, std::map<OffsetKey, Stored>> pending_;
};

}  // namespace ringlog
