#include "bench/harness/loadgen/rdkafka_producer.h"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "bench/harness/loadgen/rdkafka_handle.h"

namespace ringlog::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kFlushTimeoutMs = 60000;
// Poll for delivery reports once per this many records: often enough to keep the
// queue moving, rarely enough to cost nothing.
constexpr int64_t kPollEvery = 1024;

// What the delivery-report callback counts; reached through the handle's opaque.
struct Deliveries {
  int64_t delivered = 0;
  int64_t failed = 0;
  rd_kafka_resp_err_t first_error = RD_KAFKA_RESP_ERR_NO_ERROR;
  ProgressReporter* progress = nullptr;
  uint64_t record_bytes = 0;
  // When the last record was reported stored (the run's start before the first), and the
  // longest wait between two such moments.
  Clock::time_point last_delivery;
  Clock::duration longest_gap{0};
};

void OnDelivery(rd_kafka_t* /*rk*/, const rd_kafka_message_t* message, void* opaque) {
  auto* d = static_cast<Deliveries*>(opaque);
  if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    if (d->failed++ == 0) d->first_error = message->err;
    return;
  }
  ++d->delivered;
  const Clock::time_point now = Clock::now();
  d->longest_gap = std::max(d->longest_gap, now - d->last_delivery);
  d->last_delivery = now;
  if (d->progress != nullptr) d->progress->Add(d->record_bytes, 1);
}

}  // namespace

struct RdkafkaProducer::State {
  RdkafkaProducerOptions options;
  // Reached from the delivery callback through the handle's opaque: never moves.
  Deliveries deliveries;
  // librdkafka copies nothing without RD_KAFKA_MSG_F_COPY: every record points at this
  // buffer, which outlives the handle (members go in reverse order).
  std::string payload;
  RdkafkaHandle rk;
  RdkafkaTopic topic;  // goes before its handle
};

RdkafkaProducer::RdkafkaProducer(std::unique_ptr<State> state) : state_(std::move(state)) {}

RdkafkaProducer::~RdkafkaProducer() = default;

Result<std::unique_ptr<RdkafkaProducer>> RdkafkaProducer::Create(
    const RdkafkaProducerOptions& options) {
  auto state = std::make_unique<State>();
  state->options = options;
  state->deliveries.record_bytes = static_cast<uint64_t>(options.record_bytes);
  state->payload.assign(static_cast<size_t>(options.record_bytes), 'r');
  std::map<std::string, std::string> config = options.config;
  config.emplace("bootstrap.servers", options.bootstrap_servers);
  ASSIGN_OR_RETURN(state->rk, NewRdkafkaProducer(config, &OnDelivery, &state->deliveries));
  state->topic.reset(rd_kafka_topic_new(state->rk.get(), options.topic.c_str(), nullptr));
  if (state->topic == nullptr) {
    return Status::InvalidArgument("rd_kafka_topic_new " + options.topic);
  }
  if (options.warmup_partitions > 0) {
    for (int32_t p = 0; p < options.warmup_partitions; ++p) {
      if (rd_kafka_produce(state->topic.get(), p, 0, state->payload.data(), state->payload.size(),
                           nullptr, 0, nullptr) != 0) {
        return Status::IOError(std::string("rd_kafka_produce: ") +
                               rd_kafka_err2str(rd_kafka_last_error()));
      }
    }
    if (rd_kafka_flush(state->rk.get(), kFlushTimeoutMs) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return Status::IOError("librdkafka warm-up flush timed out");
    }
    if (state->deliveries.failed > 0) {
      return Status::IOError(std::string("librdkafka warm-up failed: ") +
                             rd_kafka_err2str(state->deliveries.first_error));
    }
    state->deliveries.delivered = 0;
  }
  return std::unique_ptr<RdkafkaProducer>(new RdkafkaProducer(std::move(state)));
}

namespace {

// Enqueues one record (to the partitioner's choice). True when librdkafka took it, false when
// its queue was full (after serving delivery reports for a millisecond).
Result<bool> EnqueueOne(rd_kafka_t* rk, rd_kafka_topic_t* topic, std::string& payload) {
  if (rd_kafka_produce(topic, RD_KAFKA_PARTITION_UA, 0, payload.data(), payload.size(), nullptr, 0,
                       nullptr) == 0) {
    return true;
  }
  if (rd_kafka_last_error() != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
    return Status::IOError(std::string("rd_kafka_produce: ") +
                           rd_kafka_err2str(rd_kafka_last_error()));
  }
  rd_kafka_poll(rk, 1);
  return false;
}

}  // namespace

Result<RdkafkaProducerResult> RdkafkaProducer::Run(ProgressReporter* progress) {
  State& s = *state_;
  s.deliveries.progress = progress;
  const Clock::time_point start = Clock::now();
  s.deliveries.last_delivery = start;
  s.deliveries.longest_gap = Clock::duration::zero();
  const Clock::time_point deadline = start + std::chrono::duration_cast<Clock::duration>(
                                                 std::chrono::duration<double>(s.options.seconds));
  int64_t enqueued = 0;
  const auto stopped = [&] {
    return (s.options.stop != nullptr && s.options.stop->load(std::memory_order_relaxed)) ||
           (s.options.max_records > 0 && enqueued >= s.options.max_records);
  };
  while (Clock::now() < deadline && !stopped()) {
    if (s.options.records_per_second > 0) {
      const Clock::time_point due =
          start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
                      static_cast<double>(enqueued) / s.options.records_per_second));
      const Clock::time_point now = Clock::now();
      if (due > now) {
        const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(due - now);
        if (wait.count() > 0) {
          rd_kafka_poll(s.rk.get(), static_cast<int>(wait.count()));
        } else {
          std::this_thread::sleep_until(due);
        }
        continue;
      }
      ASSIGN_OR_RETURN(const bool taken, EnqueueOne(s.rk.get(), s.topic.get(), s.payload));
      if (taken) ++enqueued;
      rd_kafka_poll(s.rk.get(), 0);
      continue;
    }
    for (int64_t i = 0; i < kPollEvery && !stopped(); ++i) {
      ASSIGN_OR_RETURN(const bool taken, EnqueueOne(s.rk.get(), s.topic.get(), s.payload));
      if (taken) ++enqueued;
    }
    rd_kafka_poll(s.rk.get(), 0);
  }
  if (rd_kafka_flush(s.rk.get(), kFlushTimeoutMs) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::IOError("librdkafka flush timed out with " +
                           std::to_string(rd_kafka_outq_len(s.rk.get())) + " records queued");
  }
  const Clock::time_point end = Clock::now();
  RdkafkaProducerResult result;
  result.seconds = std::chrono::duration<double>(end - start).count();
  result.delivered = s.deliveries.delivered;
  result.failed = s.deliveries.failed;
  result.longest_gap_seconds =
      std::chrono::duration<double>(
          std::max(s.deliveries.longest_gap, end - s.deliveries.last_delivery))
          .count();
  if (s.deliveries.failed > 0) {
    result.first_error = rd_kafka_err2str(s.deliveries.first_error);
    if (!s.options.count_failures) {
      return Status::IOError(std::to_string(s.deliveries.failed) + " of " +
                             std::to_string(enqueued) +
                             " deliveries failed, first: " + result.first_error);
    }
  }
  return result;
}

Result<RdkafkaProducerResult> RunRdkafkaProducer(const RdkafkaProducerOptions& options,
                                                 ProgressReporter* progress) {
  ASSIGN_OR_RETURN(std::unique_ptr<RdkafkaProducer> producer, RdkafkaProducer::Create(options));
  return producer->Run(progress);
}

}  // namespace ringlog::bench
