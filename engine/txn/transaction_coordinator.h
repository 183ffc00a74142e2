// TransactionCoordinator: the broker's transaction service (Kafka's TransactionCoordinator
// and TransactionStateManager), independent of the wire. It answers InitProducerId for a
// transactional id, AddPartitionsToTxn (and its verify-only form, KIP-890 part 1),
// AddOffsetsToTxn, EndTxn, ListTransactions and DescribeTransactions, and aborts
// transactions that outlive their timeout.
//
// Every transactional id belongs to one partition of __transaction_state
// (TxnStateStore::PartitionFor, Kafka's rule); the coordinator serves the ids of the
// partitions loaded here, and answers kNotCoordinator for the others
// (kCoordinatorLoadInProgress while their partition loads). Each state change is logged
// durably (engine/txn/txn_state_store.h) before it takes effect and before the client is
// answered. EndTxn logs PrepareCommit/PrepareAbort, has the markers written through the
// TxnMarkerWriter with the partition's coordinator epoch, logs CompleteCommit/CompleteAbort
// once every partition has its marker, and answers then (within a bound, or at once:
// end_txn_completion_wait_ms). Complete* alone takes effect once appended (the next
// change's record, after it in the same log, makes both durable; a crash before replays the
// Prepare*). Loading a partition finishes every Prepare* it replays the same way.
//
// Time comes from the injected Clock; timeouts (an Ongoing transaction older than its
// transaction.timeout.ms is aborted with a bumped epoch, fencing its producer), the
// expiry of idle transactional ids (transactional.id.expiration.ms) and the retry of
// failed Complete* writes happen in Tick(), which the owner calls periodically.
//
// Callbacks run without the coordinator's lock held: on the calling thread for refusals,
// else on the thread that made the change durable (a flusher thread, or the caller's when
// the store has no flusher).
//
// Thread safety: thread-safe. The store's flusher and the marker writer must have run
// every callback they owe before the coordinator is destroyed.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "engine/clock.h"
#include "engine/producer/producer_id_allocator.h"
#include "engine/txn/txn_marker_writer.h"
#include "engine/txn/txn_metadata.h"
#include "engine/txn/txn_state_store.h"
#include "engine/txn/txn_types.h"

namespace ringlog {

struct TransactionCoordinatorOptions {
  // transaction.max.timeout.ms: the largest transaction.timeout.ms a producer may ask for.
  int32_t max_transaction_timeout_ms = 900000;
  // transactional.id.expiration.ms: an id idle (Empty or Complete*) this long is removed.
  int64_t transactional_id_expiration_ms = 604800000;
  // How long EndTxn's answer may wait, once Prepare* is logged, for the markers and
  // Complete*. Answered after completion, the producer's next transaction is not refused
  // with kConcurrentTransactions (which costs a librdkafka client a 20 ms backoff per
  // transaction); the bound keeps a marker that cannot be written (a leader that does not
  // answer) from holding the producer. Tick() answers the overdue ones, so the wait may
  // run one tick longer. 0: answered as soon as Prepare* is logged, as Kafka does.
  int64_t end_txn_completion_wait_ms = 0;
};

class TransactionCoordinator {
 public:
  using InitProducerIdCallback = std::function<void(const InitProducerIdResult&)>;
  using ErrorCallback = std::function<void(TxnError)>;
  // The partition of __consumer_offsets that holds a group's offsets
  // (GroupCoordinator::PartitionFor), for AddOffsetsToTxn.
  using GroupPartitionFn = std::function<int32_t(std::string_view group)>;

  // `ids`, `markers` and `clock` must outlive the coordinator.
  TransactionCoordinator(std::unique_ptr<TxnStateStore> store, ProducerIdAllocator* ids,
                         TxnMarkerWriter* markers, GroupPartitionFn group_partition,
                         const Clock* clock, const TransactionCoordinatorOptions& options);
  TransactionCoordinator(const TransactionCoordinator&) = delete;
  TransactionCoordinator& operator=(const TransactionCoordinator&) = delete;

  // The partition of __transaction_state holding `transactional_id` (FindCoordinator key
  // type 1 answers its leader), and the topic's partition count.
  //
  // Every request below answers kInvalidRequest for an empty transactional id,
  // kNotCoordinator or kCoordinatorLoadInProgress when its partition is not served here,
  // and, when its state change cannot be logged, kCoordinatorNotAvailable (kNotCoordinator
  // when the partition was unloaded meanwhile) with nothing changed.
  int32_t PartitionFor(std::string_view transactional_id) const;
  int32_t num_partitions() const;

  // Replays `partition` of __transaction_state and serves its ids from then on, with
  // `coordinator_epoch` (the partition's leader epoch) on every marker. Each replayed
  // PrepareCommit/PrepareAbort has its markers written and its Complete* logged. OK when
  // loaded already at this epoch or a newer one (an older load is replaced); Busy while
  // another load of it runs or when UnloadPartition cancelled this one; the store's errors
  // (TxnStateStore::LoadPartition). Requests for its ids answer kCoordinatorLoadInProgress
  // meanwhile.
  Status LoadPartition(int32_t partition, int32_t coordinator_epoch);
  // Stops serving `partition`'s ids and forgets them (a load in progress is cancelled);
  // markers in flight for them complete without logging anything. No-op when not loaded.
  void UnloadPartition(int32_t partition);
  bool IsLoaded(int32_t partition) const;

  // InitProducerId with a transactional id: a new producer id for an unknown id, else the
  // epoch bumped (fencing older producers), or a new producer id once the epoch is
  // exhausted. With params.producer_id/epoch set (KIP-360), a retry of a bump whose answer
  // was lost gets the same answer, and an older incarnation gets kProducerFenced. An
  // Ongoing transaction is aborted with a bumped epoch first and the caller told
  // kConcurrentTransactions (it retries); Prepare* answers kConcurrentTransactions.
  // kInvalidTransactionTimeout outside (0, max_transaction_timeout_ms].
  void InitProducerId(const InitProducerIdParams& params, InitProducerIdCallback callback);

  // Adds partitions to the producer's transaction (Empty/Complete* → Ongoing, starting
  // it), logged before `callback` runs. kNone at once when they are all in an Ongoing
  // transaction already. kInvalidProducerIdMapping for an unknown id or another producer
  // id, kProducerFenced for another epoch, kConcurrentTransactions while Prepare* or a
  // transition is in flight. The one error applies to every partition.
  void AddPartitions(const AddPartitionsParams& params, ErrorCallback callback);
  // The verify-only form (AddPartitionsToTxn v4+ from a broker, KIP-890 part 1): logs
  // nothing; per partition kNone when it is in the transaction, else
  // kTransactionAbortable. The checks of AddPartitions that refuse the whole request give
  // that one error for every partition.
  std::map<PartitionId, TxnError> VerifyPartitions(const AddPartitionsParams& params) const;
  // AddOffsetsToTxn: adds the partition of __consumer_offsets holding `group_id`.
  void AddOffsets(const std::string& transactional_id, int64_t producer_id, int16_t producer_epoch,
                  const std::string& group_id, ErrorCallback callback);

  // Ends the transaction: logs PrepareCommit/PrepareAbort, then writes the markers and
  // logs Complete*; answers kNone once Complete* takes effect or once
  // end_txn_completion_wait_ms have passed since Prepare* was logged. A retry of an EndTxn
  // that completed answers kNone (same result) or kInvalidTxnState (other result); one
  // still in Prepare* with the same result answers kConcurrentTransactions.
  // kInvalidTxnState from Empty.
  void EndTxn(const EndTxnParams& params, ErrorCallback callback);

  // The transactions of the loaded partitions matching `filter`, sorted by id.
  TxnListResult ListTransactions(const TxnListFilter& filter) const;
  TxnDescription DescribeTransaction(const std::string& transactional_id) const;

  // Aborts timed-out transactions, expires idle ids, retries failed Complete* writes,
  // answers EndTxn calls past their wait and snapshots the state log when due.
  void Tick();

  const TransactionCoordinatorOptions& options() const { return options_; }

 private:
  struct Loaded {
    int32_t coordinator_epoch = 0;
    std::map<std::string, TxnMetadata> txns;
    // Ids whose markers are written but whose Complete* write failed; Tick retries.
    std::set<std::string> complete_retry;
  };
  // An EndTxn answer held until its transaction completes. Answered once: by whichever
  // comes first of the completion, a dead end (the id moved on, or another load owns what
  // follows) and the deadline.
  class HeldAnswer {
   public:
    HeldAnswer(ErrorCallback answer, TimestampMs deadline)
        : answer_(std::move(answer)), deadline_(deadline) {}
    void Answer(TxnError error);
    bool answered() const { return answered_.load(); }
    TimestampMs deadline() const { return deadline_; }

   private:
    std::atomic<bool> answered_{false};
    const ErrorCallback answer_;
    const TimestampMs deadline_;
  };
  // What a request found for its id.
  struct Lookup {
    TxnError error = TxnError::kNone;
    int32_t partition_index = 0;
    Loaded* partition = nullptr;
    TxnMetadata* txn = nullptr;  // nullptr when the id is unknown
  };

  // REQUIRES: mu_. The id's loaded partition and metadata, or why there are none.
  Lookup FindLocked(const std::string& transactional_id) const;
  // REQUIRES: mu_. The metadata of `id` when `partition` is still loaded at
  // `coordinator_epoch`, else nullptr: what every asynchronous completion checks first.
  TxnMetadata* FindCurrentLocked(int32_t partition, int32_t coordinator_epoch,
                                 const std::string& id);
  // kInvalidProducerIdMapping, kProducerFenced or kNone for a request naming a producer.
  static TxnError CheckProducer(const TxnMetadata* txn, int64_t producer_id,
                                int16_t producer_epoch);
  // REQUIRES: mu_. Kafka's prepareInitProducerIdTransit: sets *next to the state to log
  // (and *fence when it is the abort of an Ongoing transaction) and marks `txn` pending.
  TxnError PrepareInitLocked(const InitProducerIdParams& params, TxnMetadata& txn,
                             TxnMetadata* next, bool* fence);
  // REQUIRES: mu_. The Prepare* state ending `txn`'s Ongoing transaction; marks it pending.
  TxnMetadata PrepareEndLocked(TxnMetadata& txn, bool commit);
  // REQUIRES: mu_. Bumps `txn`'s epoch (fencing its producer) and prepares the abort.
  TxnMetadata FenceLocked(TxnMetadata& txn);
  void MarkFailedFence(int32_t partition, int32_t coordinator_epoch, const std::string& id);
  // Logs `next` for `id` (marked pending), then applies it, or clears pending on failure;
  // `done` gets kNone or the error, without mu_.
  void LogTransition(int32_t partition, int32_t coordinator_epoch, const std::string& id,
                     const TxnMetadata& next, ErrorCallback done);
  // Logs `prepared` (a Prepare*), then has the markers written. `answer` hears an error of
  // the log at once; its kNone comes once Prepare* is logged, or, with
  // `wait_for_completion` and a completion wait configured, as HeldAnswer says.
  void EndTransaction(int32_t partition, int32_t coordinator_epoch, const std::string& id,
                      const TxnMetadata& prepared, ErrorCallback answer, bool wait_for_completion);
  // Marks `id` pending Complete* and has the markers of `prepared` written, unless the id
  // moved on meanwhile; logs Complete* once they are. `held` (may be null) is answered
  // when Complete* takes effect or this ends otherwise.
  void WriteMarkers(int32_t partition, int32_t coordinator_epoch, const std::string& id,
                    const TxnLogEntry& prepared, std::shared_ptr<HeldAnswer> held);
  void LogComplete(int32_t partition, int32_t coordinator_epoch, const std::string& id,
                   std::shared_ptr<HeldAnswer> held);
  void AbortTimedOut();
  void ExpireIdle();
  void RetryCompletes();
  void AnswerOverdue();

  const std::unique_ptr<TxnStateStore> store_;
  ProducerIdAllocator* const ids_;
  TxnMarkerWriter* const markers_;
  const GroupPartitionFn group_partition_;
  const Clock* const clock_;
  const TransactionCoordinatorOptions options_;

  mutable std::mutex mu_;
  std::map<int32_t, Loaded> partitions_;
  // Partitions being loaded, each with its load's number; Unload cancels a load by
  // removing it.
  std::map<int32_t, uint64_t> loading_;
  uint64_t loads_ = 0;
  // EndTxn answers waiting for their transactions' completion; AnswerOverdue drops the
  // answered ones.
  std::vector<std::shared_ptr<HeldAnswer>> held_answers_;
};

}  // namespace ringlog
