#include "bench/harness/loadgen/rdkafka_txn_producer.h"

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <memory>
#include <string>

#include "bench/harness/loadgen/rdkafka_handle.h"

namespace ringlog::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kTransactionTimeoutMs = 60000;

// What the delivery-report callback counts; reached through the handle's opaque.
struct Deliveries {
  int64_t delivered = 0;
  int64_t failed = 0;
  rd_kafka_resp_err_t first_error = RD_KAFKA_RESP_ERR_NO_ERROR;
  ProgressReporter* progress = nullptr;
  uint64_t record_bytes = 0;
};

void OnDelivery(rd_kafka_t* /*rk*/, const rd_kafka_message_t* message, void* opaque) {
  auto* d = static_cast<Deliveries*>(opaque);
  if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    if (d->failed++ == 0) d->first_error = message->err;
    return;
  }
  ++d->delivered;
  if (d->progress != nullptr) d->progress->Add(d->record_bytes, 1);
}

// OK for a null error, else IOError naming `call`; frees the error either way.
Status Check(rd_kafka_error_t* error, const char* call) {
  if (error == nullptr) return Status::OK();
  const std::string text = std::string(call) + ": " + rd_kafka_error_string(error);
  rd_kafka_error_destroy(error);
  return Status::IOError(text);
}

// Enqueues one record to `partition` (RD_KAFKA_PARTITION_UA: the partitioner's choice),
// serving delivery reports while librdkafka's queue is full.
Status Enqueue(rd_kafka_t* rk, rd_kafka_topic_t* topic, int32_t partition, std::string& payload) {
  while (rd_kafka_produce(topic, partition, 0, payload.data(), payload.size(), nullptr, 0,
                          nullptr) != 0) {
    if (rd_kafka_last_error() != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      return Status::IOError(std::string("rd_kafka_produce: ") +
                             rd_kafka_err2str(rd_kafka_last_error()));
    }
    rd_kafka_poll(rk, 1);
  }
  return Status::OK();
}

}  // namespace

Result<RdkafkaTxnProducerResult> RunRdkafkaTxnProducer(const RdkafkaTxnProducerOptions& options,
                                                       ProgressReporter* progress) {
  // Members go in reverse order: the topic before its handle, the handle before the payload
  // its queued records point at and the counters its callback writes.
  Deliveries deliveries;
  deliveries.record_bytes = static_cast<uint64_t>(options.record_bytes);
  std::string payload(static_cast<size_t>(options.record_bytes), 't');
  std::map<std::string, std::string> config = options.config;
  config.emplace("bootstrap.servers", options.bootstrap_servers);
  config.emplace("transactional.id", options.transactional_id);
  ASSIGN_OR_RETURN(RdkafkaHandle rk, NewRdkafkaProducer(config, &OnDelivery, &deliveries));
  RdkafkaTopic topic(rd_kafka_topic_new(rk.get(), options.topic.c_str(), nullptr));
  if (topic == nullptr) return Status::InvalidArgument("rd_kafka_topic_new " + options.topic);

  RETURN_IF_ERROR(Check(rd_kafka_init_transactions(rk.get(), kTransactionTimeoutMs),
                        "rd_kafka_init_transactions"));
  RETURN_IF_ERROR(Check(rd_kafka_begin_transaction(rk.get()), "rd_kafka_begin_transaction"));
  for (int32_t p = 0; p < options.warmup_partitions; ++p) {
    RETURN_IF_ERROR(Enqueue(rk.get(), topic.get(), p, payload));
  }
  RETURN_IF_ERROR(Check(rd_kafka_commit_transaction(rk.get(), kTransactionTimeoutMs),
                        "rd_kafka_commit_transaction (warm-up)"));
  deliveries.delivered = 0;
  deliveries.progress = progress;

  RdkafkaTxnProducerResult result;
  const Clock::time_point start = Clock::now();
  const Clock::time_point deadline = start + std::chrono::duration_cast<Clock::duration>(
                                                 std::chrono::duration<double>(options.seconds));
  Clock::duration committing{0};
  do {
    RETURN_IF_ERROR(Check(rd_kafka_begin_transaction(rk.get()), "rd_kafka_begin_transaction"));
    for (int i = 0; i < options.records_per_transaction; ++i) {
      RETURN_IF_ERROR(Enqueue(rk.get(), topic.get(), RD_KAFKA_PARTITION_UA, payload));
    }
    rd_kafka_poll(rk.get(), 0);
    const Clock::time_point commit = Clock::now();
    RETURN_IF_ERROR(Check(rd_kafka_commit_transaction(rk.get(), kTransactionTimeoutMs),
                          "rd_kafka_commit_transaction"));
    committing += Clock::now() - commit;
    ++result.transactions;
  } while (Clock::now() < deadline);
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  result.commit_seconds = std::chrono::duration<double>(committing).count();
  result.committed_records = result.transactions * options.records_per_transaction;
  // commit_transaction returns once every record of the transaction was acknowledged, and
  // serves their delivery reports.
  if (deliveries.failed > 0 || deliveries.delivered != result.committed_records) {
    return Status::IOError("transactional producer: " + std::to_string(deliveries.delivered) +
                           " delivered, " + std::to_string(deliveries.failed) + " failed (" +
                           rd_kafka_err2str(deliveries.first_error) + ") of " +
                           std::to_string(result.committed_records) + " committed records");
  }
  return result;
}

}  // namespace ringlog::bench
