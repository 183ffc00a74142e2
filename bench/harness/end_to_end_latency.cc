#include "bench/harness/end_to_end_latency.h"

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "bench/harness/latency_recorder.h"
#include "bench/harness/loadgen/consumer.h"
#include "bench/harness/loadgen/kafka_connection.h"
#include "bench/harness/loadgen/produce_response_check.h"
#include "bench/harness/loadgen/produce_template.h"
#include "bench/harness/progress_reporter.h"
#include "engine/big_endian.h"
#include "engine/log/record_batch.h"
#include "net/codec/produce_codec.h"
#include "net/codec/wire_reader.h"

namespace ringlog::bench {
namespace {

// How long the consumer may trail the producer's end before the run counts as failed.
constexpr auto kDrainTimeout = std::chrono::seconds(10);
// How long the partition may take to acknowledge its first record.
constexpr auto kWarmUpTimeout = std::chrono::seconds(10);

// Produces one unstamped record with the run's acks until it is acknowledged (retried
// while the partition refuses it, for up to kWarmUpTimeout); returns the offset after it.
// A fresh topic's leader and followers take their roles and start fetching in its first
// few hundred milliseconds: a one-off, not the steady state the run measures.
Result<Offset> WarmUp(const PacedProducerOptions& p) {
  ProduceTemplateOptions t;
  t.topic = p.topic;
  t.partitions = {p.partition};
  t.records_per_batch = 1;
  t.record_bytes = p.record_bytes;
  t.acks = p.acks;
  ASSIGN_OR_RETURN(ProduceTemplate request, ProduceTemplate::Build(t));
  ASSIGN_OR_RETURN(std::unique_ptr<KafkaConnection> conn, KafkaConnection::Connect(p.host, p.port));
  const auto give_up = std::chrono::steady_clock::now() + kWarmUpTimeout;
  std::vector<uint8_t> body;
  while (true) {
    RETURN_IF_ERROR(conn->Call(request.frame(), &body));
    Status stored = CheckProduceResponse(body);
    if (stored.ok()) {
      WireReader reader(body);
      ASSIGN_OR_RETURN(const ProduceResponse response,
                       DecodeProduceResponse(reader, kLoadgenProduceVersion));
      return response.topics.at(0).partitions.at(0).base_offset + 1;
    }
    if (std::chrono::steady_clock::now() > give_up) {
      return stored.WithContext("the warm-up record of " + p.topic);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

// Consumes from offset `start` until `*expected` is known (>= 0) and reached, recording
// receive time minus the stamped send time of each record.
Status ConsumeLatencies(const PacedProducerOptions& p, Offset start,
                        const std::atomic<int64_t>& expected, LatencyRecorder& recorder) {
  ConsumerOptions c;
  c.host = p.host;
  c.port = p.port;
  c.topic = p.topic;
  c.partition = p.partition;
  c.max_bytes = 1 << 20;
  c.max_wait_ms = 100;
  ASSIGN_OR_RETURN(std::unique_ptr<Consumer> consumer, Consumer::Connect(c));
  Offset offset = start;
  std::chrono::steady_clock::time_point give_up = std::chrono::steady_clock::time_point::max();
  while (true) {
    const int64_t want = expected.load();
    if (want >= 0) {
      if (offset >= want) return Status::OK();
      if (give_up == std::chrono::steady_clock::time_point::max()) {
        give_up = std::chrono::steady_clock::now() + kDrainTimeout;
      } else if (std::chrono::steady_clock::now() > give_up) {
        return Status::IOError("consumer stuck at offset " + std::to_string(offset) + " of " +
                               std::to_string(want));
      }
    }
    ASSIGN_OR_RETURN(const FetchedRecords fetched, consumer->Fetch(offset));
    const int64_t now = SendTimeNow();
    BatchIterator batches(fetched.batches);
    while (std::optional<RecordBatchView> batch = batches.Next()) {
      ASSIGN_OR_RETURN(const std::vector<Record> records, DecodeRecords(*batch));
      for (const Record& r : records) {
        if (r.offset < offset || !r.value || r.value->size() < sizeof(int64_t)) continue;
        recorder.Record(now - LoadBigEndian<int64_t>(r.value->data()));
      }
    }
    RETURN_IF_ERROR(batches.status());
    offset = fetched.next_offset;
  }
}

}  // namespace

Result<EndToEndResult> MeasureEndToEnd(const PacedProducerOptions& producer,
                                       const std::string& progress_label) {
  ASSIGN_OR_RETURN(const Offset start, WarmUp(producer));
  LatencyRecorder recorder;
  std::atomic<int64_t> expected{-1};
  Status consumed;
  std::thread consumer([&] { consumed = ConsumeLatencies(producer, start, expected, recorder); });
  Result<PacedProducerResult> produced = Status::Busy("not run");
  {
    ProgressReporter progress(progress_label);
    produced = RunPacedProducer(producer, &progress);
  }
  // On a producer failure the consumer stops at whatever arrived.
  expected = start + (produced.ok() ? produced->records : 0);
  consumer.join();
  RETURN_IF_ERROR(produced.status());
  RETURN_IF_ERROR(consumed);
  EndToEndResult result;
  result.latency = recorder.Summary();
  result.records_per_s = produced->seconds > 0 ? produced->records / produced->seconds : 0;
  return result;
}

}  // namespace ringlog::bench
