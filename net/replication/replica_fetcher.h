// ReplicaFetcher: the follower's side of replication towards one leader broker. One thread
// per leader fetches every partition this broker follows there, all in one Fetch (v12, as a
// replica: replica_id = this broker), long-polling like a consumer, and writes what comes
// back to the local logs unchanged (PartitionLog::AppendReplicated).
//
// Per partition and response:
//   records            appended; then the high watermark moves to the leader's (capped at
//                      the local log end) and the log start follows the leader's.
//   diverging_epoch    the local log holds batches the leader never had: truncated to the
//                      lower of the leader's end for that epoch and the local one, then the
//                      next fetch goes on from there.
//   OFFSET_OUT_OF_RANGE below the leader's log start: the local log restarts empty at it
//                      (TruncateFullyAndStartAt); above the leader's end: cut back to its
//                      high watermark.
//   FENCED_LEADER_EPOCH the leader is at a newer epoch than this broker knows: paused until
//                      the roles give the partition again at another epoch.
//   other errors       (NOT_LEADER_OR_FOLLOWER while the leader has not yet taken its role,
//                      UNKNOWN_LEADER_EPOCH, ...) retried after a short backoff.
// A connection error retries the whole request after a backoff, on a new connection.
//
// Thread safety: thread-safe. AddPartition, RemovePartition and the endpoint setter may
// run while the thread fetches; once RemovePartition returns, no response is applied to
// that partition any more (it waits for one being applied).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "engine/log/partition_log.h"
#include "engine/types.h"
#include "net/cluster/controller_channel.h"
#include "net/codec/fetch_codec.h"

namespace ringlog {

struct ReplicaFetcherOptions {
  // This broker's id: the replica id of its fetches.
  int32_t broker_id = -1;
  // replica.fetch.wait.max.ms and replica.fetch.min.bytes: the long poll.
  int32_t max_wait_ms = 500;
  int32_t min_bytes = 1;
  // replica.fetch.response.max.bytes and replica.fetch.max.bytes.
  int32_t max_bytes = 10 << 20;
  int32_t partition_max_bytes = 1 << 20;
  // How long a failed partition (or a failed request) waits before it is fetched again.
  std::chrono::milliseconds partition_backoff{200};
  std::chrono::milliseconds connection_backoff{500};
  // How long a request may take beyond max_wait_ms before the connection is dropped.
  std::chrono::milliseconds request_timeout{5000};
};

class ReplicaFetcher {
 public:
  // Fetches from broker `leader_id`; nothing runs before Start.
  ReplicaFetcher(const ReplicaFetcherOptions& options, int32_t leader_id);
  // Stops the thread and waits for it.
  ~ReplicaFetcher();
  ReplicaFetcher(const ReplicaFetcher&) = delete;
  ReplicaFetcher& operator=(const ReplicaFetcher&) = delete;

  void Start();
  // Asks the thread to end, without waiting (a request in flight may take up to its
  // timeout); finished() says when it has.
  void RequestStop();
  bool finished() const;

  // Where the leader listens (from the snapshot); a change reconnects.
  void SetLeaderEndpoint(const std::string& host, int32_t port);

  // Fetches `log`'s partition from this leader at `leader_epoch` from now on. Given again
  // with the same log and epoch: nothing changes (a paused partition stays paused); with
  // another epoch or log: fetching starts afresh (resumed, backoff dropped). `log` is held
  // until the partition is removed.
  void AddPartition(std::shared_ptr<PartitionLog> log, int32_t leader_epoch);
  // Stops fetching `partition`; waits for a response being applied to it.
  void RemovePartition(const PartitionId& partition);
  size_t partition_count() const;
  // Whether `partition` waits for a new epoch (FENCED_LEADER_EPOCH). For tests.
  bool paused(const PartitionId& partition) const;

  int32_t leader_id() const { return leader_id_; }

 private:
  struct Followed {
    std::shared_ptr<PartitionLog> log;
    int32_t leader_epoch = -1;
    uint64_t generation = 0;  // changes with each AddPartition that restarts it
    bool paused = false;
    std::chrono::steady_clock::time_point retry_after{};
  };
  // One partition of a request in flight.
  struct Sent {
    PartitionId id;
    std::shared_ptr<PartitionLog> log;
    uint64_t generation = 0;
    Offset fetch_offset = 0;
  };
  // What a response asks of a partition's state after it was applied.
  enum class Next { kFetch, kBackoff, kPause };

  void Run();
  // Waits until some partition may be fetched (or stopping); false when stopping.
  bool WaitForWork();
  // The partitions to fetch now and the request for them.
  std::vector<Sent> Collect();
  FetchRequest BuildRequest(const std::vector<Sent>& sent) const;
  // One exchange; false when the connection failed (the caller backs off).
  bool FetchOnce(const std::vector<Sent>& sent);
  void ApplyResponse(const std::vector<Sent>& sent, const FetchResponse& response);
  Next ApplyPartition(const Sent& sent, const FetchResponse::Partition& partition);
  Next Truncate(const Sent& sent, const FetchResponse::EpochEndOffset& diverging);
  Next OutOfRange(const Sent& sent, const FetchResponse::Partition& partition);
  // AppendReplicated, restarting an empty log at the first batch when the leader's log
  // start lies inside that batch.
  Status Append(PartitionLog& log, std::span<const uint8_t> batches);

  const ReplicaFetcherOptions options_;
  const int32_t leader_id_;
  ControllerChannel channel_;  // used by the thread only
  int32_t correlation_id_ = 0;

  // Held while a response is applied; RemovePartition takes it to wait for that.
  std::mutex apply_mu_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<PartitionId, Followed> partitions_;  // GUARDED_BY(mu_)
  std::string host_;                            // GUARDED_BY(mu_)
  int32_t port_ = -1;                           // GUARDED_BY(mu_)
  uint64_t next_generation_ = 1;                // GUARDED_BY(mu_)
  bool stopping_ = false;                       // GUARDED_BY(mu_)
  bool finished_ = false;                       // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace ringlog
