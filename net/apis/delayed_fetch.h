// DelayedFetch: a Fetch that found fewer than min_bytes and waits, up to max_wait_ms, for
// more (Kafka's long poll). It watches, through PartitionWatchers, the end of its
// partitions' logs it reads up to: a follower's fetch the log end, which each produce
// moves; a consumer's the high watermark, which a replicated log's replication moves
// (an unreplicated log's moves with each produce). A move wakes it on its own loop, where
// it reads again and answers once it has min_bytes or a partition answers at once (an
// error, a diverging epoch), else watches again. When
// max_wait_ms passes it answers with whatever there is then.
//
// It answers exactly once: the timer, a wake-up and the connection closing all run on the
// connection's loop thread, and whichever comes first ends the others. A closed
// connection gets no answer; its timer is cancelled. (A wake-up already queued when the
// connection closes may watch once more; that watch ends at max_wait_ms or the next
// produce to one of its partitions, and its answer is dropped.)
//
// Thread safety: everything runs on the loop thread of the request's connection.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "net/apis/fetch_reader.h"
#include "net/apis/request_context.h"
#include "net/broker/partition_watchers.h"
#include "net/codec/fetch_codec.h"

namespace ringlog {

class DelayedFetch final : public std::enable_shared_from_this<DelayedFetch> {
 public:
  // Starts waiting for `request`, whose first pass found too little: `first` tells which
  // ends it read up to. REQUIRES: ctx.services().watchers != nullptr.
  static void Start(RequestContext& ctx, FetchRequest request, const FetchPass& first);

  DelayedFetch(RequestContext& ctx, FetchRequest request);
  DelayedFetch(const DelayedFetch&) = delete;
  DelayedFetch& operator=(const DelayedFetch&) = delete;

 private:
  // Watches the partitions again; wakes at once when one grew since `pass` was read,
  // since that produce's notification came before the watch.
  void Watch(const FetchPass& pass);
  void OnWake(PartitionWatchers::Wake wake);
  // Reads again; answers when there is enough (or `final`), else watches again.
  void ReadAgain(bool final);
  void Answer(const FetchPass& pass);

  const FetchRequest request_;
  const int16_t version_;
  const Responder responder_;
  const uint64_t connection_id_;
  LoopExecutor* const loop_;
  BrokerServices* const services_;
  const int32_t replica_;  // the fetching follower, -1 for a consumer
  std::vector<PartitionId> partitions_;
  // The end each of partitions_ was read up to when last read (FetchPass::seen_ends).
  std::vector<Offset> seen_ends_;
  LoopExecutor::TimerId timer_ = 0;
  PartitionWatchers::WatchId watch_ = 0;
  bool done_ = false;
};

}  // namespace ringlog
