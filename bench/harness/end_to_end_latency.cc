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
#include "bench/harness/progress_reporter.h"
#include "engine/big_endian.h"
#include "engine/log/record_batch.h"

namespace ringlog::bench {
namespace {

// How long the consumer may trail the producer's end before the run counts as failed.
constexpr auto kDrainTimeout = std::chrono::seconds(10);

// Consumes from offset 0 until `*expected` records (once known, >= 0) arrived, recording
// receive time minus the stamped send time of each.
Status ConsumeLatencies(const PacedProducerOptions& p, const std::atomic<int64_t>& expected,
                        LatencyRecorder& recorder) {
  ConsumerOptions c;
  c.host = p.host;
  c.port = p.port;
  c.topic = p.topic;
  c.partition = p.partition;
  c.max_bytes = 1 << 20;
  c.max_wait_ms = 100;
  ASSIGN_OR_RETURN(std::unique_ptr<Consumer> consumer, Consumer::Connect(c));
  Offset offset = 0;
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
  LatencyRecorder recorder;
  std::atomic<int64_t> expected{-1};
  Status consumed;
  std::thread consumer([&] { consumed = ConsumeLatencies(producer, expected, recorder); });
  Result<PacedProducerResult> produced = Status::Busy("not run");
  {
    ProgressReporter progress(progress_label);
    produced = RunPacedProducer(producer, &progress);
  }
  // On a producer failure the consumer stops at whatever arrived.
  expected = produced.ok() ? produced->records : 0;
  consumer.join();
  RETURN_IF_ERROR(produced.status());
  RETURN_IF_ERROR(consumed);
  EndToEndResult result;
  result.latency = recorder.Summary();
  result.records_per_s = produced->seconds > 0 ? produced->records / produced->seconds : 0;
  return result;
}

}  // namespace ringlog::bench
