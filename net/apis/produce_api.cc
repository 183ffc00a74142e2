// Produce: appends each partition's record batch and answers by acks — nothing at all for
// acks=0, once the batches are written for acks=1, after a group-commit flush for acks=all
// (when the broker flushes on acks=all). Appends do not wait for their writes, so the
// event loop goes on reading requests while the backend writes. Every written batch wakes
// the partition's long-polling fetches.
//
// What is stored is exactly one RecordBatch v2 per partition, as Kafka requires from
// Produce v3 on. Versions 0-2 carry old message sets, which ringlog does not store; their
// partitions get UNSUPPORTED_FOR_MESSAGE_FORMAT. zstd needs Produce v7 (KIP-110).
//
// A produce to a topic that is to be auto-created goes to the admin worker, which creates
// the topic and then appends. Its topics stay pinned until then, and a later produce to a
// pinned topic follows it there, so appends to a partition keep their arrival order.
//
// In a cluster only the partition's leader takes its records (net/apis/partition_route.h),
// and an auto-created topic is the controller's to create: its partitions answer
// LEADER_NOT_AVAILABLE, and the producer retries once its metadata shows the leaders.
// Every write tells the replication and the waiting fetches (AnnounceLeaderWrite). acks=all needs
// min.insync.replicas in the ISR before the append (else NOT_ENOUGH_REPLICAS, nothing
// appended) and is answered once the high watermark passes the batch, besides the flush;
// a partition answers the first error of the two (NOT_ENOUGH_REPLICAS_AFTER_APPEND when
// the ISR shrank meanwhile, REQUEST_TIMED_OUT after the request's timeout).
//
// Transactions, as Kafka 3.6+: transactional batches without the request's transactional
// id answer TRANSACTIONAL_ID_AUTHORIZATION_FAILED everywhere, and transactional batches
// of two producers INVALID_PRODUCER_ID_MAPPING. A transactional batch whose producer has
// no ongoing transaction on its partition waits for the coordinator to confirm that the
// partition is in the transaction (KIP-890 part 1, net/txn/produce_txn_verifier.h) and is
// appended then, with the partition's guard (PartitionLog::StartTxnVerification); the
// request's other partitions are appended at once, so a producer's batches keep their
// order on every partition. Not in the transaction: INVALID_TXN_STATE, nothing appended.
#include <glog/logging.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "engine/log/flusher.h"
#include "engine/log/log_manager.h"
#include "engine/log/record_batch.h"
#include "net/apis/admin_handoff.h"
#include "net/apis/apis.h"
#include "net/apis/partition_route.h"
#include "net/apis/request_context.h"
#include "net/apis/topic_lookup.h"
#include "net/broker/admin_worker.h"
#include "net/broker/leader_write.h"
#include "net/broker/partition_watchers.h"
#include "net/codec/error_code.h"
#include "net/codec/produce_codec.h"
#include "net/metrics/request_metrics.h"
#include "net/replication/leader_replicas.h"
#include "net/server/peer_log.h"
#include "net/txn/produce_txn_verifier.h"

namespace ringlog {
namespace {

constexpr int16_t kFirstBatchVersion = 3;  // record batches (magic 2) from v3
constexpr int16_t kFirstZstdVersion = 7;

// Why `records` cannot be stored, or kNone.
ErrorCode CheckRecords(const std::optional<std::span<const uint8_t>>& records, int16_t version) {
  if (version < kFirstBatchVersion) return ErrorCode::kUnsupportedForMessageFormat;
  if (!records || records->empty()) return ErrorCode::kInvalidRecord;
  if (records->size() > kBatchMagicPos &&
      static_cast<int8_t>((*records)[kBatchMagicPos]) != kBatchMagicV2) {
    return ErrorCode::kInvalidRecord;
  }
  Result<RecordBatchView> batch = RecordBatchView::Parse(*records);
  if (!batch.ok()) return ErrorCode::kCorruptMessage;
  // Exactly one batch: anything after the first is a second batch or garbage.
  if (batch->size_bytes() != records->size()) return ErrorCode::kInvalidRecord;
  if (batch->header().compression() == CompressionType::kZstd && version < kFirstZstdVersion) {
    return ErrorCode::kUnsupportedCompressionType;
  }
  return ErrorCode::kNone;
}

// The answer of a produce that waits: for its partitions' writes (acks=1, and acks=all
// when the broker does not flush for it) or for their flushes (acks=all), and in a cluster
// for acks=all also for the high watermark to pass them. Each awaited event counts down
// once, from any thread; so does Finish(), once the handler has filled the response. The
// last one to count down (acquire-release) sees every result and answers.
class PendingAnswer {
 public:
  PendingAnswer(size_t partitions, Responder responder, int16_t version)
      : results_(partitions), responder_(std::move(responder)), version_(version) {}

  // Registers one more event to wait for, before it can happen.
  void Expect() { remaining_.fetch_add(1, std::memory_order_relaxed); }
  // An expected write or flush of partition `slot` (its place in request order) ended.
  void Done(size_t slot, Status status) { Record(slot, std::move(status), ErrorCode::kNone); }
  // The high watermark passed the batch of partition `slot` (kNone), or `error` came first.
  void Replicated(size_t slot, ErrorCode error) { Record(slot, Status::OK(), error); }
  // The handler is done: `response` holds every partition's answer, in request order.
  void Finish(ProduceResponse response) {
    response_ = std::move(response);
    CountDown();
  }

 private:
  // What a partition's awaited events said: its first failure wins.
  struct Outcome {
    Status storage;
    ErrorCode replication = ErrorCode::kNone;
  };

  void Record(size_t slot, Status status, ErrorCode error) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      Outcome& result = results_[slot];
      if (result.storage.ok() && result.replication == ErrorCode::kNone) {
        result.storage = std::move(status);
        result.replication = error;
      }
    }
    CountDown();
  }

  void CountDown() {
    if (remaining_.fetch_sub(1, std::memory_order_acq_rel) == 1) Answer();
  }

  // A partition whose write, flush or replication failed answers with that error instead
  // of an offset.
  void Answer() {
    size_t slot = 0;
    for (ProduceResponse::Topic& topic : response_.topics) {
      for (ProduceResponse::Partition& p : topic.partitions) {
        const Outcome& result = results_[slot++];
        if (!result.storage.ok()) {
          LOG(ERROR) << "produce to " << topic.name << "-" << p.index
                     << " failed in storage: " << result.storage.ToString();
          p.error_code = ToWire(ToErrorCode(result.storage));
          p.base_offset = -1;
        } else if (result.replication != ErrorCode::kNone) {
          p.error_code = ToWire(result.replication);
          p.base_offset = -1;
        }
      }
    }
    responder_.Answer(response_, version_, EncodeProduceResponse);
  }

  ProduceResponse response_;
  std::mutex mu_;                     // guards results_ until the last count down
  std::vector<Outcome> results_;      // per partition in request order
  std::atomic<size_t> remaining_{1};  // Finish() counts too
  const Responder responder_;
  const int16_t version_;
};

// How a produce's partitions are answered.
struct ProduceWaits {
  // Waits for writes (acks=1, or acks=all without flushing); null for acks=0.
  std::shared_ptr<PendingAnswer> writes;
  // Flushes each appended partition for acks=all; null otherwise.
  Flusher* flusher = nullptr;
  // Checks the ISR and waits for the high watermark for acks=all in a cluster; null
  // otherwise.
  LeaderReplicas* replication = nullptr;
  std::chrono::milliseconds timeout{0};  // the request's, for the high watermark
};

// The request's transactional side: its transactional id and the one producer of its
// transactional batches (KIP-890 part 1).
struct TxnProduce {
  bool transactional = false;            // some partition holds a transactional batch
  ErrorCode refused = ErrorCode::kNone;  // for every partition when set
  std::string transactional_id;
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
};

// A partition whose transactional batch waits for its coordinator's verification: its
// answer's place, its log, a copy of its batch (the request's buffer is not kept), its
// guard and the ISR acks=all needs.
struct Deferred {
  size_t slot = 0;
  size_t topic = 0;      // index in the response's topics
  size_t partition = 0;  // index in that topic's partitions
  std::shared_ptr<PartitionLog> log;
  std::vector<uint8_t> batch;
  uint64_t guard = TxnVerifications::kNone;
  int32_t min_insync = 0;
};

// The header of a partition's batch when it is a client's transactional one (a control
// batch is refused later as any client's is).
std::optional<BatchHeader> TransactionalHeader(
    const std::optional<std::span<const uint8_t>>& records) {
  if (!records) return std::nullopt;
  Result<BatchHeader> header = DecodeBatchHeader(*records);
  if (!header.ok() || header->producer_id < 0 || !header->is_transactional() ||
      header->is_control()) {
    return std::nullopt;
  }
  return *header;
}

TxnProduce ScanTransactional(const ProduceRequest& request, int16_t version) {
  TxnProduce txn;
  if (version < kFirstBatchVersion) return txn;
  std::set<int64_t> producers;
  for (const ProduceRequest::Topic& topic : request.topics) {
    for (const ProduceRequest::Partition& partition : topic.partitions) {
      std::optional<BatchHeader> header = TransactionalHeader(partition.records);
      if (!header) continue;
      txn.transactional = true;
      txn.producer_id = header->producer_id;
      txn.producer_epoch = header->producer_epoch;
      producers.insert(header->producer_id);
    }
  }
  if (!txn.transactional) return txn;
  if (!request.transactional_id) {
    txn.refused = ErrorCode::kTransactionalIdAuthorizationFailed;
  } else if (producers.size() > 1) {
    txn.refused = ErrorCode::kInvalidProducerIdMapping;
  } else {
    txn.transactional_id = *request.transactional_id;
  }
  return txn;
}

// Appends `batch` to `log` (rewriting it in place: offsets, leader epoch) and fills
// `answer`; `peer` names the producer in warnings. The write wakes the partition's long-polling
// fetches, and its outcome (or its flush's) goes to `waits`. `min_insync`: the ISR acks=all needs,
// checked before.
void AppendBatch(const BrokerServices& services, const std::string& peer,
                 std::shared_ptr<PartitionLog> log, std::span<uint8_t> batch, int32_t min_insync,
                 uint64_t txn_guard, size_t slot, const ProduceWaits& waits,
                 ProduceResponse::Partition& answer) {
  const std::shared_ptr<PendingAnswer>& pending = waits.writes;
  // Whether the write's outcome is what the answer waits for.
  const bool counts = pending != nullptr && waits.flusher == nullptr;
  if (counts) pending->Expect();
  PartitionWatchers* watchers = services.watchers;
  LeaderReplicas* replication = services.replication;
  Result<AppendResult> appended = log->AppendAsync(
      batch,
      [pending, counts, slot, watchers, replication, replicated = log->options().replicated,
       id = log->id()](Status status) {
        if (status.ok()) AnnounceLeaderWrite(replication, watchers, id, replicated);
        if (counts) pending->Done(slot, std::move(status));
      },
      txn_guard);
  if (!appended.ok()) {
    if (counts) pending->Done(slot, Status::OK());  // answered below, not by the write
    const Status& status = appended.status();
    LogPeerWarning(peer, "produce to " + log->id().ToString() + " from " + peer +
                             " refused: " + status.ToString());
    // Validation failures (a control batch, wrong counts or offsets) are INVALID_RECORD;
    // damaged records (a wrong CRC, compressed data that does not decompress) are
    // CORRUPT_MESSAGE; records that decompress past the bound are MESSAGE_TOO_LARGE, on
    // which the Java producer splits the batch and retries.
    answer.error_code =
        ToWire(status.IsInvalidArgument() ? ErrorCode::kInvalidRecord : ToErrorCode(status));
    answer.error_message = status.message();  // v8+: the client logs why
    return;
  }
  if (RequestMetrics* metrics = services.metrics) {
    metrics->RecordBytesIn(
        log->id().topic, batch.size(),
        static_cast<uint64_t>(appended->last_offset - appended->base_offset + 1));
  }
  answer.base_offset = appended->base_offset;
  answer.log_append_time_ms = appended->log_append_time;
  answer.log_start_offset = appended->log_start_offset;
  if (waits.replication != nullptr) {
    pending->Expect();
    waits.replication->AwaitHighWatermark(
        log->id(), appended->last_offset + 1, min_insync, waits.timeout,
        [pending, slot](ErrorCode replicated) { pending->Replicated(slot, replicated); });
  }
  if (waits.flusher != nullptr) {
    pending->Expect();
    waits.flusher->FlushAsync(
        std::move(log), appended->last_offset,
        [pending, slot](Status status) { pending->Done(slot, std::move(status)); });
  }
}

// Checks one partition's batch and appends it, filling `answer` — or, for a transactional
// batch that starts its producer's transaction on the partition, adds it to `deferred`
// to be appended once its coordinator verified it.
void AppendPartition(RequestContext& ctx, const std::string& topic, int32_t topic_partitions,
                     const ProduceRequest::Partition& partition, size_t slot,
                     const ProduceWaits& waits, ProduceResponse::Partition& answer, Deferred place,
                     std::vector<Deferred>& deferred) {
  // In a cluster, a partition led elsewhere is refused before its records are looked at.
  ErrorCode error = RoutePartition(ctx.services().cluster, PartitionId{topic, partition.index});
  if (error == ErrorCode::kNone) error = CheckRecords(partition.records, ctx.version());
  std::shared_ptr<PartitionLog> log;
  if (error == ErrorCode::kNone) {
    if (partition.index >= 0 && partition.index < topic_partitions) {
      log = ctx.services().logs->GetPartition(PartitionId{topic, partition.index});
    }
    if (log == nullptr) error = ErrorCode::kUnknownTopicOrPartition;
  }
  int32_t min_insync = 0;
  if (error == ErrorCode::kNone && waits.replication != nullptr) {
    min_insync = log->options().min_insync_replicas;
    error = waits.replication->CheckInsync(log->id(), min_insync);
  }
  if (error != ErrorCode::kNone) {
    answer.error_code = ToWire(error);
    return;
  }
  uint64_t guard = TxnVerifications::kNone;
  if (std::optional<BatchHeader> header = TransactionalHeader(partition.records)) {
    guard = log->StartTxnVerification(header->producer_id, header->producer_epoch);
  }
  if (guard != TxnVerifications::kNone) {
    place.slot = slot;
    place.log = std::move(log);
    place.batch.assign(partition.records->begin(), partition.records->end());
    place.guard = guard;
    place.min_insync = min_insync;
    deferred.push_back(std::move(place));
    return;
  }
  // The batch is rewritten in place before it is stored.
  std::span<uint8_t> batch =
      ctx.mutable_body().subspan(partition.records_position, partition.records->size());
  AppendBatch(ctx.services(), ctx.connection().peer, std::move(log), batch, min_insync, guard, slot,
              waits, answer);
}

// Appends every partition of `request`, filling `response` (one answer per partition, in
// request order) except for the partitions left in `deferred`. `on_admin`: on the admin
// worker, where unknown topics may be created.
void AppendAll(RequestContext& ctx, const ProduceRequest& request, const TxnProduce& txn,
               const ProduceWaits& waits, bool on_admin, ProduceResponse& response,
               std::vector<Deferred>& deferred) {
  const bool valid_acks = request.acks == 0 || request.acks == 1 || request.acks == -1;
  response.topics.reserve(request.topics.size());
  size_t slot = 0;
  for (const ProduceRequest::Topic& topic : request.topics) {
    ProduceResponse::Topic& topic_answer = response.topics.emplace_back();
    topic_answer.name = topic.name;
    TopicLookup lookup{ErrorCode::kInvalidRequiredAcks, 0};
    if (valid_acks && txn.refused != ErrorCode::kNone) lookup.error = txn.refused;
    if (valid_acks && txn.refused == ErrorCode::kNone) {
      lookup = on_admin ? FindOrCreateTopic(ctx.services(), topic.name, true)
                        : FindTopic(ctx.services(), topic.name, true);
    }
    topic_answer.partitions.reserve(topic.partitions.size());
    for (const ProduceRequest::Partition& partition : topic.partitions) {
      Deferred place;
      place.topic = response.topics.size() - 1;
      place.partition = topic_answer.partitions.size();
      ProduceResponse::Partition& answer = topic_answer.partitions.emplace_back();
      answer.index = partition.index;
      answer.error_code = ToWire(lookup.error);
      if (lookup.error == ErrorCode::kNone) {
        AppendPartition(ctx, topic.name, lookup.partitions, partition, slot, waits, answer,
                        std::move(place), deferred);
      }
      ++slot;
    }
  }
}

size_t CountPartitions(const ProduceRequest& request) {
  size_t count = 0;
  for (const ProduceRequest::Topic& topic : request.topics) count += topic.partitions.size();
  return count;
}

bool AnyError(const ProduceResponse& response) {
  for (const ProduceResponse::Topic& topic : response.topics) {
    for (const ProduceResponse::Partition& p : topic.partitions) {
      if (p.error_code != ToWire(ErrorCode::kNone)) return true;
    }
  }
  return false;
}

// The topics of `request` when it must go to the admin worker: one of them is to be
// auto-created, or pinned by an earlier produce that went there. Empty otherwise.
std::vector<std::string> TopicsToWaitFor(const BrokerServices& services,
                                         const ProduceRequest& request) {
  bool wait = false;
  for (const ProduceRequest::Topic& topic : request.topics) {
    wait = wait || services.admin->IsPinned(topic.name) ||
           FindTopic(services, topic.name, true).to_create;
  }
  std::vector<std::string> topics;
  if (!wait) return topics;
  for (const ProduceRequest::Topic& topic : request.topics) topics.push_back(topic.name);
  return topics;
}

// Sends `response` once its partitions' writes are done (acks != 0), or, for acks=0,
// nothing — closing the connection when something failed, which is how Kafka tells a
// producer that reads no response.
void Answer(const Responder& responder, const ProduceWaits& waits, int16_t version,
            ProduceResponse response) {
  if (waits.writes != nullptr) {
    waits.writes->Finish(std::move(response));
    return;
  }
  responder.CountErrors(response, version);
  if (AnyError(response)) {
    responder.Close("acks=0 produce failed for some partition");
  } else {
    responder.NoResponse();
  }
}

// Asks the coordinator of `txn` whether the `deferred` partitions are in the transaction,
// then appends those it confirmed, answers the others with its error, and answers the
// request. The answer may come on another thread: everything the appends need goes along.
void VerifyThenAppend(BrokerServices& services, const std::string& peer, const Responder& responder,
                      int16_t version, const TxnProduce& txn, ProduceWaits waits,
                      ProduceResponse response, std::vector<Deferred> deferred) {
  VerifyEntry request{txn.transactional_id, txn.producer_id, txn.producer_epoch, {}};
  for (const Deferred& d : deferred) request.partitions.push_back(d.log->id());
  auto resume = [&services, peer, responder, version, waits, response = std::move(response),
                 deferred = std::move(deferred)](ProduceTxnVerifier::Answer verified) mutable {
    for (Deferred& d : deferred) {
      ProduceResponse::Partition& answer = response.topics[d.topic].partitions[d.partition];
      auto it = verified.find(d.log->id());
      const ErrorCode error = it == verified.end() ? ErrorCode::kUnknownServerError : it->second;
      if (error != ErrorCode::kNone) {
        answer.error_code = ToWire(error);
        if (error == ErrorCode::kInvalidTxnState) {
          answer.error_message = "Partition was not added to the transaction";
        }
        continue;
      }
      AppendBatch(services, peer, d.log, d.batch, d.min_insync, d.guard, d.slot, waits, answer);
    }
    Answer(responder, waits, version, std::move(response));
  };
  if (services.txn_verifier == nullptr) {
    ProduceTxnVerifier::Answer none;
    for (const PartitionId& partition : request.partitions) {
      none[partition] = ErrorCode::kNotEnoughReplicas;
    }
    resume(std::move(none));
    return;
  }
  services.txn_verifier->Verify(std::move(request), std::move(resume));
}

// Serves the request; `on_admin`: on the admin worker, where unknown topics may be created.
void ServeProduce(RequestContext& ctx, bool on_admin) {
  WireReader reader = ctx.BodyReader();
  Result<ProduceRequest> request = DecodeProduceRequest(reader, ctx.version());
  if (!request.ok()) {
    ctx.responder().Close("bad Produce request: " + request.status().ToString());
    return;
  }
  if (!on_admin) {
    if (std::vector<std::string> topics = TopicsToWaitFor(ctx.services(), *request);
        !topics.empty()) {
      HandOffToAdmin(
          ctx, [](RequestContext& held) { ServeProduce(held, /*on_admin=*/true); },
          std::move(topics));
      return;
    }
  }
  ProduceWaits waits;
  if (request->acks != 0) {
    waits.writes =
        std::make_shared<PendingAnswer>(CountPartitions(*request), ctx.responder(), ctx.version());
    if (request->acks == -1 && ctx.services().config.flush_on_acks_all) {
      waits.flusher = ctx.services().flusher;
    }
    if (request->acks == -1) {
      waits.replication = ctx.services().replication;
      waits.timeout = std::chrono::milliseconds(std::max(request->timeout_ms, 0));
    }
  }
  const TxnProduce txn = ScanTransactional(*request, ctx.version());
  ProduceResponse response;
  std::vector<Deferred> deferred;
  AppendAll(ctx, *request, txn, waits, on_admin, response, deferred);
  if (deferred.empty()) {
    Answer(ctx.responder(), waits, ctx.version(), std::move(response));
    return;
  }
  VerifyThenAppend(ctx.services(), ctx.connection().peer, ctx.responder(), ctx.version(), txn,
                   std::move(waits), std::move(response), std::move(deferred));
}

void HandleProduce(RequestContext& ctx) { ServeProduce(ctx, /*on_admin=*/false); }

}  // namespace

const ApiSpec kProduceApi = {ApiKey::kProduce, kProduceMinVersion, kProduceMaxVersion,
                             kProduceFirstFlexibleVersion, &HandleProduce};

}  // namespace ringlog
