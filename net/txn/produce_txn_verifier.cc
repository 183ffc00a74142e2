#include "net/txn/produce_txn_verifier.h"

#include <glog/logging.h>

#include <set>
#include <utility>

#include "engine/log/internal_topics.h"
#include "engine/txn/transaction_coordinator.h"
#include "net/apis/txn_error_code.h"
#include "net/cluster/cluster_view.h"

namespace ringlog {
namespace {

// The AddPartitionsToTxn version whose codes the coordinator's answers are read in, here
// and on the wire (verify_frames.cc): TRANSACTION_ABORTABLE for a partition not in the
// transaction.
constexpr int16_t kVerifyVersion = 5;

ProduceTxnVerifier::Answer All(const VerifyEntry& request, ErrorCode code) {
  ProduceTxnVerifier::Answer answer;
  for (const PartitionId& partition : request.partitions) {
    answer[partition] = ProduceVerificationError(code);
  }
  return answer;
}

}  // namespace

ErrorCode ProduceVerificationError(ErrorCode code) {
  switch (code) {
    case ErrorCode::kTransactionAbortable:
    case ErrorCode::kInvalidTxnState:
      return ErrorCode::kInvalidTxnState;
    case ErrorCode::kProducerFenced:
      return ErrorCode::kInvalidProducerEpoch;
    case ErrorCode::kNetworkException:
    case ErrorCode::kCoordinatorLoadInProgress:
    case ErrorCode::kCoordinatorNotAvailable:
    case ErrorCode::kNotCoordinator:
    case ErrorCode::kConcurrentTransactions:
      return ErrorCode::kNotEnoughReplicas;
    default:
      return code;
  }
}

ProduceTxnVerifier::ProduceTxnVerifier(const BrokerServices* services,
                                       ProduceTxnVerifierOptions options)
    : services_(services), options_(options) {
  worker_ = std::thread([this] { Run(); });
}

ProduceTxnVerifier::~ProduceTxnVerifier() { Stop(); }

void ProduceTxnVerifier::Stop() {
  std::deque<Pending> left;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopped_ = true;
    left.swap(queue_);
  }
  cv_.notify_all();
  if (worker_.joinable()) worker_.join();
  for (Pending& pending : left) {
    pending.done(All(pending.request, ErrorCode::kCoordinatorNotAvailable));
  }
}

void ProduceTxnVerifier::Verify(VerifyEntry request, Callback done) {
  TransactionCoordinator* txns = services_->txns;
  if (txns == nullptr) {
    done(All(request, ErrorCode::kCoordinatorNotAvailable));
    return;
  }
  if (services_->cluster != nullptr) {
    const std::shared_ptr<const ClusterSnapshot> snapshot = services_->cluster->Snapshot();
    const ClusterPartition* partition = snapshot->FindPartition(
        kTransactionStateTopic, txns->PartitionFor(request.transactional_id));
    const ClusterBroker* coordinator =
        partition == nullptr ? nullptr : snapshot->FindBroker(partition->state.leader);
    if (coordinator == nullptr) {
      done(All(request, ErrorCode::kCoordinatorNotAvailable));
      return;
    }
    if (coordinator->id != services_->config.node_id) {
      Pending pending{std::move(request), std::move(done), coordinator->id, coordinator->host,
                      coordinator->port};
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (!stopped_) {
          queue_.push_back(std::move(pending));
          cv_.notify_one();
          return;
        }
      }
      pending.done(All(pending.request, ErrorCode::kCoordinatorNotAvailable));
      return;
    }
  }
  AddPartitionsParams params;
  params.transactional_id = request.transactional_id;
  params.producer_id = request.producer_id;
  params.producer_epoch = request.producer_epoch;
  params.partitions = request.partitions;
  const std::map<PartitionId, TxnError> errors = txns->VerifyPartitions(params);
  Answer answer;
  for (const PartitionId& partition : request.partitions) {
    auto it = errors.find(partition);
    const ErrorCode code = it == errors.end()
                               ? ErrorCode::kUnknownServerError
                               : static_cast<ErrorCode>(TxnErrorCode(
                                     it->second, ApiKey::kAddPartitionsToTxn, kVerifyVersion));
    answer[partition] = ProduceVerificationError(code);
  }
  done(std::move(answer));
}

void ProduceTxnVerifier::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait(lock, [this] { return stopped_ || !queue_.empty(); });
    if (stopped_) return;
    // Everything due, by coordinator, in arrival order; a second request of one
    // transactional id waits for the next round, ahead of what comes later.
    std::map<int32_t, std::vector<Pending>> batches;
    std::map<int32_t, std::set<std::string>> ids;
    std::deque<Pending> later;
    for (Pending& pending : queue_) {
      if (ids[pending.broker].insert(pending.request.transactional_id).second) {
        batches[pending.broker].push_back(std::move(pending));
      } else {
        later.push_back(std::move(pending));
      }
    }
    queue_.swap(later);
    lock.unlock();
    for (auto& [broker, batch] : batches) Exchange(std::move(batch));
    lock.lock();
  }
}

void ProduceTxnVerifier::Exchange(std::vector<Pending> batch) {
  const Pending& first = batch.front();
  std::vector<VerifyEntry> entries;
  entries.reserve(batch.size());
  for (const Pending& pending : batch) entries.push_back(pending.request);
  std::unique_ptr<ControllerChannel>& channel = channels_[first.broker];
  if (channel == nullptr) channel = std::make_unique<ControllerChannel>();
  const std::string frame = EncodeVerifyPartitionsFrame(next_correlation_id_++, entries);
  Result<std::string> response =
      channel->Exchange(first.host, first.port, frame, options_.request_timeout);
  Result<std::vector<Answer>> answers =
      response.ok() ? DecodeVerifyPartitionsAnswers(*response, entries) : response.status();
  if (!answers.ok()) {
    LOG(WARNING) << "transaction verification with broker " << first.broker << " at " << first.host
                 << ":" << first.port << " failed: " << answers.status().ToString();
  }
  for (size_t i = 0; i < batch.size(); ++i) {
    if (!answers.ok()) {
      batch[i].done(All(batch[i].request, ErrorCode::kNetworkException));
      continue;
    }
    Answer answer;
    for (const auto& [partition, code] : (*answers)[i]) {
      answer[partition] = ProduceVerificationError(code);
    }
    batch[i].done(std::move(answer));
  }
}

}  // namespace ringlog
