// ProduceTxnVerifier: the broker side of KIP-890 part 1 (Kafka's AddPartitionsToTxnManager).
// Before a client's transactional batch may start its producer's transaction on a
// partition, the transaction coordinator of the request's transactional id must confirm
// that the partition is in the producer's ongoing transaction. The coordinator is asked
// directly when it is this broker (the single broker always), else with a verify-only
// AddPartitionsToTxn (net/txn/verify_frames.h) to the leader of the id's partition of
// __transaction_state, from a thread of the verifier's own: the event loop never waits
// for another broker. Requests that are due together go to each coordinator as one batch,
// in the order they came, one transaction per transactional id in a batch.
//
// Every answer is already in Produce's terms (ProduceVerificationError).
//
// Thread safety: thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/types.h"
#include "net/broker/broker_services.h"
#include "net/cluster/controller_channel.h"
#include "net/codec/error_code.h"
#include "net/txn/verify_frames.h"

namespace ringlog {

// What a Produce partition answers for the coordinator's `code` on its verification, as
// Kafka translates it for Produce v0-11: TRANSACTION_ABORTABLE (not in the transaction)
// becomes INVALID_TXN_STATE, PRODUCER_FENCED becomes INVALID_PRODUCER_EPOCH, and the
// coordinator's transient errors (and a failed exchange, NETWORK_EXCEPTION) become
// NOT_ENOUGH_REPLICAS, which every producer retries without a metadata refresh. Other
// codes pass as they are.
ErrorCode ProduceVerificationError(ErrorCode code);

struct ProduceTxnVerifierOptions {
  // One exchange with a coordinator on another broker. Short beside the producer's
  // request.timeout.ms (30 s): a coordinator that does not answer fails the partitions
  // with a retriable error instead of holding the produce.
  std::chrono::milliseconds request_timeout{10000};
};

class ProduceTxnVerifier {
 public:
  // Produce's error for each partition of a verification; kNone: the partition is in the
  // transaction.
  using Answer = std::map<PartitionId, ErrorCode>;
  using Callback = std::function<void(Answer)>;

  // `services` (config, cluster, txns) must outlive the verifier.
  explicit ProduceTxnVerifier(const BrokerServices* services,
                              ProduceTxnVerifierOptions options = {});
  ~ProduceTxnVerifier();
  ProduceTxnVerifier(const ProduceTxnVerifier&) = delete;
  ProduceTxnVerifier& operator=(const ProduceTxnVerifier&) = delete;

  // Asks whether `request.partitions` are in the ongoing transaction of its producer.
  // `done` runs once: before Verify returns when the coordinator is this broker or
  // cannot be found, else on the verifier's thread. After Stop, at once with
  // NOT_ENOUGH_REPLICAS.
  void Verify(VerifyEntry request, Callback done);

  // Stops the thread; verifications still queued are answered NOT_ENOUGH_REPLICAS.
  // Idempotent; the destructor calls it.
  void Stop();

 private:
  struct Pending {
    VerifyEntry request;
    Callback done;
    int32_t broker = -1;
    std::string host;
    int32_t port = -1;
  };

  void Run();
  // Sends `batch` (all for one broker, distinct transactional ids) and answers each.
  void Exchange(std::vector<Pending> batch);

  const BrokerServices* const services_;
  const ProduceTxnVerifierOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Pending> queue_;  // guarded by mu_
  bool stopped_ = false;       // guarded by mu_
  // The thread's connections, by broker id; used by the thread only.
  std::map<int32_t, std::unique_ptr<ControllerChannel>> channels_;
  int32_t next_correlation_id_ = 1;
  std::thread worker_;
};

}  // namespace ringlog
