// WriteTxnMarkers (API 27): a transaction coordinator has this broker append COMMIT or
// ABORT markers to partitions it leads (net/txn/local_marker_append.h says how each is
// appended and which errors it answers). Markers are appended in request order; the
// answer waits until every partition's marker is written with acks=all, or failed.
#include <atomic>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "engine/log/control_batch.h"
#include "net/apis/apis.h"
#include "net/apis/request_context.h"
#include "net/codec/error_code.h"
#include "net/codec/write_txn_markers_codec.h"
#include "net/txn/local_marker_append.h"

namespace ringlog {
namespace {

// The response, filled in request order; each partition's append counts down once, as
// does Finish(). The last count answers.
class PendingMarkers {
 public:
  PendingMarkers(WriteTxnMarkersResponse response, Responder responder, int16_t version)
      : response_(std::move(response)), responder_(std::move(responder)), version_(version) {
    size_t partitions = 0;
    for (const WriteTxnMarkersResponse::MarkerResult& m : response_.markers) {
      for (const WriteTxnMarkersResponse::TopicResult& t : m.topics) {
        partitions += t.partitions.size();
      }
    }
    remaining_.store(partitions + 1, std::memory_order_relaxed);
  }

  void Set(size_t marker, size_t topic, size_t partition, ErrorCode error) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      response_.markers[marker].topics[topic].partitions[partition].error_code = ToWire(error);
    }
    CountDown();
  }
  void Finish() { CountDown(); }

 private:
  void CountDown() {
    if (remaining_.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
    std::lock_guard<std::mutex> lock(mu_);
    responder_.Answer(response_, version_, EncodeWriteTxnMarkersResponse);
  }

  std::mutex mu_;  // guards response_'s error codes
  WriteTxnMarkersResponse response_;
  std::atomic<size_t> remaining_{0};
  const Responder responder_;
  const int16_t version_;
};

void HandleWriteTxnMarkers(RequestContext& ctx) {
  WireReader reader = ctx.BodyReader();
  Result<WriteTxnMarkersRequest> request = DecodeWriteTxnMarkersRequest(reader, ctx.version());
  if (!request.ok()) {
    ctx.responder().Close("bad WriteTxnMarkers request: " + request.status().ToString());
    return;
  }
  WriteTxnMarkersResponse response;
  for (const WriteTxnMarkersRequest::Marker& marker : request->markers) {
    WriteTxnMarkersResponse::MarkerResult& result = response.markers.emplace_back();
    result.producer_id = marker.producer_id;
    for (const WriteTxnMarkersRequest::Topic& topic : marker.topics) {
      WriteTxnMarkersResponse::TopicResult& topic_result = result.topics.emplace_back();
      topic_result.name = topic.name;
      for (int32_t index : topic.partition_indexes) {
        topic_result.partitions.push_back({index, ToWire(ErrorCode::kNone)});
      }
    }
  }
  auto pending =
      std::make_shared<PendingMarkers>(std::move(response), ctx.responder(), ctx.version());
  const BrokerServices& services = ctx.services();
  for (size_t m = 0; m < request->markers.size(); ++m) {
    const WriteTxnMarkersRequest::Marker& marker = request->markers[m];
    ControlMarker control;
    control.producer_id = marker.producer_id;
    control.producer_epoch = marker.producer_epoch;
    control.type = marker.transaction_result ? ControlType::kCommit : ControlType::kAbort;
    control.coordinator_epoch = marker.coordinator_epoch;
    for (size_t t = 0; t < marker.topics.size(); ++t) {
      const WriteTxnMarkersRequest::Topic& topic = marker.topics[t];
      for (size_t p = 0; p < topic.partition_indexes.size(); ++p) {
        AppendLocalMarker(services, PartitionId{topic.name, topic.partition_indexes[p]}, control,
                          [pending, m, t, p](ErrorCode error) { pending->Set(m, t, p, error); });
      }
    }
  }
  pending->Finish();
}

}  // namespace

const ApiSpec kWriteTxnMarkersApi = {ApiKey::kWriteTxnMarkers, kWriteTxnMarkersMinVersion,
                                     kWriteTxnMarkersMaxVersion,
                                     kWriteTxnMarkersFirstFlexibleVersion, &HandleWriteTxnMarkers};

}  // namespace ringlog
