// AddPartitionsToTxn: a transactional producer names the partitions it is about to write
// in its transaction (v0-3, one transaction), or a broker checks that partitions are in
// their producers' transactions (v4+, a batch, each transaction possibly verify-only:
// KIP-890 part 1). As Kafka: when a transaction names a partition that does not exist,
// those partitions answer UNKNOWN_TOPIC_OR_PARTITION, its others OPERATION_NOT_ATTEMPTED,
// and the coordinator is not asked; otherwise every partition of a transaction gets the
// coordinator's answer (one error for them all when adding, one per partition when
// verifying). The answer goes out once every transaction of the request has its answer,
// the additions logged durably before.
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "engine/log/log_manager.h"
#include "engine/txn/transaction_coordinator.h"
#include "net/apis/apis.h"
#include "net/apis/request_context.h"
#include "net/apis/txn_error_code.h"
#include "net/cluster/cluster_view.h"
#include "net/codec/add_partitions_to_txn_codec.h"
#include "net/codec/error_code.h"

namespace ringlog {
namespace {

using Request = AddPartitionsToTxnRequest;
using Response = AddPartitionsToTxnResponse;
using Outcome = std::map<PartitionId, int16_t>;

// The request's transactions, in one shape for every version.
std::vector<Request::Transaction> Transactions(const Request& request, int16_t version) {
  if (version >= 4) return request.transactions;
  Request::Transaction only;
  only.transactional_id = request.v3_and_below_transactional_id;
  only.producer_id = request.v3_and_below_producer_id;
  only.producer_epoch = request.v3_and_below_producer_epoch;
  only.topics = request.v3_and_below_topics;
  return {std::move(only)};
}

std::vector<Response::TopicResult> TopicResults(const std::vector<Request::Topic>& topics,
                                                const Outcome& outcome) {
  std::vector<Response::TopicResult> results;
  for (const Request::Topic& topic : topics) {
    Response::TopicResult& result = results.emplace_back();
    result.name = topic.name;
    for (int32_t partition : topic.partitions) {
      Response::PartitionResult& answer = result.results_by_partition.emplace_back();
      answer.partition_index = partition;
      auto it = outcome.find(PartitionId{topic.name, partition});
      answer.partition_error_code =
          it != outcome.end() ? it->second : ToWire(ErrorCode::kUnknownServerError);
    }
  }
  return results;
}

// Collects the outcome of each transaction and answers once all have one.
class Gather {
 public:
  Gather(std::vector<Request::Transaction> txns, Responder responder, int16_t version)
      : txns_(std::move(txns)),
        outcomes_(txns_.size()),
        left_(txns_.size()),
        responder_(std::move(responder)),
        version_(version) {}

  const std::vector<Request::Transaction>& transactions() const { return txns_; }

  void Done(size_t index, Outcome outcome) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      outcomes_[index] = std::move(outcome);
      if (--left_ > 0) return;
    }
    Response response;
    for (size_t i = 0; i < txns_.size(); ++i) {
      std::vector<Response::TopicResult> results = TopicResults(txns_[i].topics, outcomes_[i]);
      if (version_ < 4) {
        response.results_by_topic_v3_and_below = std::move(results);
        continue;
      }
      Response::TransactionResult& txn = response.results_by_transaction.emplace_back();
      txn.transactional_id = txns_[i].transactional_id;
      txn.topic_results = std::move(results);
    }
    const int16_t version = version_;
    responder_.Answer(response, version, EncodeAddPartitionsToTxnResponse);
  }

 private:
  const std::vector<Request::Transaction> txns_;
  std::mutex mu_;
  std::vector<Outcome> outcomes_;
  size_t left_;
  const Responder responder_;
  const int16_t version_;
};

// Whether the partition exists: in a cluster, in the cluster's metadata (this broker
// need not hold a replica of it), else among the broker's logs.
bool Exists(const BrokerServices& services, const PartitionId& id) {
  if (services.cluster == nullptr) return services.logs->GetPartition(id) != nullptr;
  return services.cluster->Snapshot()->FindPartition(id.topic, id.partition) != nullptr;
}

// Every partition of `params` with `code`.
Outcome All(const AddPartitionsParams& params, int16_t code) {
  Outcome outcome;
  for (const PartitionId& id : params.partitions) outcome[id] = code;
  return outcome;
}

// Answers transaction `index` of `gather`.
void Handle(const BrokerServices& services, const std::shared_ptr<Gather>& gather, size_t index,
            int16_t version) {
  const Request::Transaction& txn = gather->transactions()[index];
  AddPartitionsParams params;
  params.transactional_id = txn.transactional_id;
  params.producer_id = txn.producer_id;
  params.producer_epoch = txn.producer_epoch;
  bool unknown = false;
  for (const Request::Topic& topic : txn.topics) {
    for (int32_t partition : topic.partitions) {
      PartitionId id{topic.name, partition};
      unknown = unknown || !Exists(services, id);
      params.partitions.push_back(std::move(id));
    }
  }
  if (unknown) {
    Outcome outcome;
    for (const PartitionId& id : params.partitions) {
      outcome[id] = ToWire(!Exists(services, id) ? ErrorCode::kUnknownTopicOrPartition
                                                 : ErrorCode::kOperationNotAttempted);
    }
    gather->Done(index, std::move(outcome));
    return;
  }
  if (services.txns == nullptr) {
    gather->Done(index, All(params, ToWire(ErrorCode::kCoordinatorNotAvailable)));
    return;
  }
  if (txn.verify_only) {
    Outcome outcome;
    for (const auto& [id, error] : services.txns->VerifyPartitions(params)) {
      outcome[id] = TxnErrorCode(error, ApiKey::kAddPartitionsToTxn, version);
    }
    gather->Done(index, std::move(outcome));
    return;
  }
  std::vector<PartitionId> partitions = params.partitions;
  services.txns->AddPartitions(
      params, [gather, index, version, partitions = std::move(partitions)](TxnError error) {
        Outcome outcome;
        for (const PartitionId& id : partitions) {
          outcome[id] = TxnErrorCode(error, ApiKey::kAddPartitionsToTxn, version);
        }
        gather->Done(index, std::move(outcome));
      });
}

void HandleAddPartitionsToTxn(RequestContext& ctx) {
  WireReader reader = ctx.BodyReader();
  const int16_t version = ctx.version();
  Result<Request> request = DecodeAddPartitionsToTxnRequest(reader, version);
  if (!request.ok()) {
    ctx.responder().Close("bad AddPartitionsToTxn request: " + request.status().ToString());
    return;
  }
  auto gather = std::make_shared<Gather>(Transactions(*request, version), ctx.responder(), version);
  if (gather->transactions().empty()) {
    Response response;
    ctx.responder().Answer(response, version, EncodeAddPartitionsToTxnResponse);
    return;
  }
  for (size_t i = 0; i < gather->transactions().size(); ++i) {
    Handle(ctx.services(), gather, i, version);
  }
}

}  // namespace

const ApiSpec kAddPartitionsToTxnApi = {
    ApiKey::kAddPartitionsToTxn, kAddPartitionsToTxnMinVersion, kAddPartitionsToTxnMaxVersion,
    kAddPartitionsToTxnFirstFlexibleVersion, &HandleAddPartitionsToTxn};

}  // namespace ringlog
