#include "net/apis/delayed_fetch.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "net/apis/fetch_metrics.h"

namespace ringlog {

void DelayedFetch::Start(RequestContext& ctx, FetchRequest request, const FetchPass& first) {
  const int32_t max_wait_ms = request.max_wait_ms;
  auto fetch = std::make_shared<DelayedFetch>(ctx, std::move(request));
  fetch->timer_ = ctx.loop().RunAfter(std::chrono::milliseconds(max_wait_ms),
                                      [fetch] { fetch->ReadAgain(/*final=*/true); });
  fetch->Watch(first);
}

DelayedFetch::DelayedFetch(RequestContext& ctx, FetchRequest request)
    : request_(std::move(request)),
      version_(ctx.version()),
      responder_(ctx.responder()),
      connection_id_(ctx.connection().id),
      loop_(&ctx.loop()),
      services_(&ctx.services()),
      replica_(FetchingReplica(request_, version_)) {
  for (const FetchRequest::Topic& topic : request_.topics) {
    for (const FetchRequest::Partition& p : topic.partitions) {
      partitions_.push_back(PartitionId{topic.topic, p.partition});
    }
  }
}

void DelayedFetch::Watch(const FetchPass& pass) {
  seen_ends_ = pass.seen_ends;
  std::weak_ptr<DelayedFetch> weak = weak_from_this();
  // A follower reads up to the log end, a consumer up to the high watermark.
  const PartitionWatchers::Ends waits_for =
      replica_ >= 0 ? PartitionWatchers::Ends::kLogEnd : PartitionWatchers::Ends::kHighWatermark;
  watch_ = services_->watchers->Watch(
      connection_id_, partitions_, waits_for, loop_,
      [self = shared_from_this()](PartitionWatchers::Wake w) { self->OnWake(w); });
  for (size_t i = 0; i < partitions_.size() && i < seen_ends_.size(); ++i) {
    std::shared_ptr<PartitionLog> log = services_->logs->GetPartition(partitions_[i]);
    const Offset now = log != nullptr ? FetchableEnd(*log, replica_, request_.isolation_level) : -1;
    if (now != seen_ends_[i]) {
      loop_->Post([weak] {
        if (auto self = weak.lock()) self->OnWake(PartitionWatchers::Wake::kData);
      });
      return;
    }
  }
}

void DelayedFetch::OnWake(PartitionWatchers::Wake wake) {
  if (done_) return;
  if (wake == PartitionWatchers::Wake::kClosed) {
    // Nobody to answer: stop the timer, whose closure is the last owner besides us.
    done_ = true;
    loop_->CancelTimer(timer_);
    return;
  }
  ReadAgain(/*final=*/false);
}

void DelayedFetch::ReadAgain(bool final) {
  if (done_) return;
  services_->watchers->Unwatch(watch_);
  FetchPass pass = ReadFetch(*services_, request_, version_);
  if (final || pass.has_error ||
      pass.record_bytes >= static_cast<uint64_t>(std::max(request_.min_bytes, 0))) {
    done_ = true;
    if (!final) loop_->CancelTimer(timer_);
    Answer(pass);
    return;
  }
  Watch(pass);
}

void DelayedFetch::Answer(const FetchPass& pass) {
  CountFetchTraffic(services_->metrics, request_, pass.response);
  responder_.AnswerInFrame(pass.response, version_, EncodeFetchResponse);
}

}  // namespace ringlog
