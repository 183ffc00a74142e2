// PartitionLeader: the replication state of one partition this broker leads, as pure logic
// (no threads, no log, time passed in): each follower's log end offset and last caught-up
// time, the high watermark, the ISR with at most one change pending at the controller, and
// the acks=all produces waiting for the high watermark.
//
// Kafka's rules (Partition.scala, KIP-497):
// - A follower's fetch at offset F, with the leader's log end L now: F >= L makes it caught
//   up now; F >= the leader's log end at its previous fetch makes it caught up as of that
//   previous fetch.
// - Shrink: an ISR follower not caught up for more than replica.lag.time.max.ms (and whose
//   log end is not the leader's) is proposed out.
// - Expand: a replica outside the ISR whose log end reaches the high watermark and the start
//   offset of the current leader epoch is proposed in.
// - One change at a time. Until the controller answers, the high watermark counts the
//   larger ISR ("maximal ISR": the old one for a shrink, old plus new for an expand), so it
//   never counts fewer replicas than the controller may have recorded.
// - High watermark = the smallest log end over the maximal ISR (the leader's own included);
//   it never moves back. A follower's log end is unknown (-1) until its first fetch.
// - acks=all: refused when the (committed) ISR is below min.insync.replicas; a waiter is done
//   when the high watermark reaches its end, NOT_ENOUGH_REPLICAS_AFTER_APPEND if the maximal
//   ISR is then below its min.insync.replicas.
//
// The caller moves the log's high watermark: it asks HighWatermarkCandidate, lets the log
// cap it (PartitionLog::AdvanceHighWatermark) and reports the result (HighWatermarkMoved).
// Completions come back in a list to run outside the caller's lock.
//
// Thread safety: thread-compatible (REQUIRES: external synchronization).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/types.h"
#include "net/codec/error_code.h"
#include "net/replication/leader_replicas.h"

namespace ringlog {

// An ISR change proposed to the controller (AlterPartition).
struct IsrProposal {
  uint64_t id = 0;  // unique per PartitionLeader; names the proposal in the answer
  int32_t leader_epoch = 0;
  int32_t partition_epoch = -1;  // the state the change applies to
  std::vector<int32_t> new_isr;
  std::string reason;  // for the log: "3 lagged 30000 ms", "2 caught up"
};

// An acks=all produce to answer: run done(error) outside any lock.
struct WaiterCompletion {
  std::function<void(ErrorCode)> done;
  ErrorCode error = ErrorCode::kNone;
};
using Completions = std::vector<WaiterCompletion>;

class PartitionLeader {
 public:
  struct Options {
    int32_t local_id = -1;
    int64_t replica_lag_time_max_ms = 30000;
    // After the controller refused a proposal, no new one before this long (or before a
    // newer state arrives), so a stale proposal is not sent again and again.
    int64_t proposal_retry_backoff_ms = 1000;
  };

  // Starts leading at `assignment.leader_epoch`, whose first offset is `epoch_start`, with
  // the log's high watermark `high_watermark`. ISR followers count as caught up at `now`.
  PartitionLeader(PartitionId id, const Options& options, const LeaderAssignment& assignment,
                  Offset epoch_start, Offset high_watermark, TimestampMs now);

  // A newer leader epoch while leading: takes the state, keeps what is known of the
  // followers that stay replicas and the waiters; a pending proposal is forgotten.
  void NewEpoch(const LeaderAssignment& assignment, Offset epoch_start, TimestampMs now);
  // The controller's state at the same leader epoch: taken (true) when its partition epoch
  // is newer than the held one; a pending proposal is then forgotten.
  bool UpdateState(const LeaderAssignment& assignment, TimestampMs now);

  // Follower `replica` fetched at `fetch_offset` while the leader's log end is
  // `leader_log_end`. NOT_LEADER_OR_FOLLOWER when it is not a replica (nothing recorded).
  // An offset above the leader's log end is not recorded (that fetch is out of range).
  // Sets `*proposal` when the follower may join the ISR now.
  ErrorCode OnFollowerFetch(int32_t replica, Offset fetch_offset, Offset leader_log_end,
                            TimestampMs now, std::optional<IsrProposal>* proposal);
  // The lag check: a proposal to drop the ISR followers that have not caught up for too
  // long, when there are some and no change is pending.
  std::optional<IsrProposal> MaybeShrink(Offset leader_log_end, TimestampMs now);

  // Whether proposal `id` still waits for the controller.
  bool Pending(uint64_t id) const { return pending_ && pending_->id == id; }
  // The controller accepted a change: `state` is the state now in force. Taken when at our
  // leader epoch with a newer partition epoch (whether or not it is proposal `id`'s).
  void OnProposalAccepted(uint64_t id, const LeaderAssignment& state, TimestampMs now);
  // The controller refused proposal `id` (`error` for the log): forgets it, and proposes
  // nothing for a while (Options::proposal_retry_backoff_ms) or until a newer state.
  void OnProposalRefused(uint64_t id, ErrorCode error, TimestampMs now);

  // The smallest log end over the maximal ISR (the leader's being `leader_log_end`), never
  // below the high watermark held.
  Offset HighWatermarkCandidate(Offset leader_log_end) const;
  // The log's high watermark is now `hw`: finishes the waiters it passes. Returns whether it
  // moved.
  bool HighWatermarkMoved(Offset hw, Completions* out);
  Offset high_watermark() const { return hw_; }

  // Before an acks=all append: NOT_ENOUGH_REPLICAS when the ISR has fewer than `min_insync`.
  ErrorCode CheckInsync(int32_t min_insync) const;
  // An acks=all append ending at `end`, to answer by `deadline`. When the high watermark is
  // there already, it goes to `out` at once.
  void AddWaiter(Offset end, int32_t min_insync, TimestampMs deadline,
                 std::function<void(ErrorCode)> done, Completions* out);
  // Waiters whose deadline is <= `now` go to `out` with REQUEST_TIMED_OUT.
  void ExpireWaiters(TimestampMs now, Completions* out);
  // Every waiter goes to `out` with `error` (leadership lost).
  void FailWaiters(ErrorCode error, Completions* out);
  // The earliest waiter deadline; nullopt without waiters.
  std::optional<TimestampMs> NextDeadline() const;
  size_t waiter_count() const { return waiters_.size(); }

  int32_t leader_epoch() const { return leader_epoch_; }
  int32_t partition_epoch() const { return partition_epoch_; }
  const std::vector<int32_t>& replicas() const { return replicas_; }
  // The ISR the controller confirmed.
  const std::vector<int32_t>& isr() const { return isr_; }
  // The ISR the high watermark counts: isr() with a pending expansion's newcomer.
  std::vector<int32_t> maximal_isr() const;
  // A follower's log end offset; -1 when unknown or not a replica.
  Offset follower_log_end(int32_t replica) const;

 private:
  struct Follower {
    Offset log_end = -1;
    TimestampMs last_caught_up_ms = 0;
    Offset leader_end_at_last_fetch = -1;
    TimestampMs last_fetch_ms = 0;
  };
  struct Waiter {
    int32_t min_insync = 1;
    TimestampMs deadline = 0;
    std::function<void(ErrorCode)> done;
  };

  // Takes `assignment`'s replicas and ISR; followers that stay keep their state, new ones
  // start unknown (caught up at `now` when in the ISR).
  void TakeState(const LeaderAssignment& assignment, TimestampMs now);
  // REQUIRES: no pending change. Records and logs a proposal of `new_isr`.
  IsrProposal Propose(std::vector<int32_t> new_isr, std::string reason);
  bool MayPropose(TimestampMs now) const { return !pending_ && now >= quiet_until_ms_; }
  // Logs an ISR change, and when the partition becomes or stops being under-replicated.
  void LogIsrChange(const std::vector<int32_t>& before, const std::string& why) const;
  bool InIsr(int32_t id) const;

  const PartitionId id_;
  const Options options_;
  int32_t leader_epoch_ = 0;
  int32_t partition_epoch_ = -1;
  Offset epoch_start_ = 0;
  std::vector<int32_t> replicas_;
  std::vector<int32_t> isr_;
  std::map<int32_t, Follower> followers_;
  std::optional<IsrProposal> pending_;
  uint64_t next_proposal_id_ = 1;
  TimestampMs quiet_until_ms_ = 0;
  Offset hw_ = 0;
  // By end offset, so that a moved high watermark finishes a prefix.
  std::multimap<Offset, Waiter> waiters_;
};

// "[1,2,3]".
std::string FormatIds(const std::vector<int32_t>& ids);

}  // namespace ringlog
