#include "bench/harness/loadgen/producer.h"

#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <latch>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "bench/harness/loadgen/kafka_connection.h"
#include "bench/harness/loadgen/produce_response_check.h"
#include "bench/harness/loadgen/produce_template.h"

namespace ringlog::bench {
namespace {

using Clock = std::chrono::steady_clock;

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// What one connection's thread did.
struct Lane {
  Status status;
  int64_t requests = 0;  // acknowledged
  int64_t records = 0;
  int64_t batch_bytes = 0;
  int64_t wire_bytes = 0;
  Clock::time_point start;
  Clock::time_point end;
  double cpu_seconds = 0;
};

std::vector<int32_t> PartitionsOf(const ProducerOptions& o, int connection) {
  if (o.partitions <= o.connections) return {connection % o.partitions};
  std::vector<int32_t> mine;
  for (int32_t p = connection; p < o.partitions; p += o.connections) mine.push_back(p);
  return mine;
}

// The send loop of one connection; stops early when `failed` is set by another lane.
Status RunLane(const ProducerOptions& o, KafkaConnection& conn, ProduceTemplate& request,
               std::atomic<bool>& failed, ProgressReporter* progress, Lane& lane) {
  const auto batch_bytes = static_cast<uint64_t>(request.batch_bytes_per_request());
  const auto records = static_cast<uint64_t>(request.records_per_request());
  const size_t frame_bytes = request.frame().size();
  const Clock::time_point deadline = lane.start + std::chrono::duration_cast<Clock::duration>(
                                                      std::chrono::duration<double>(o.seconds));
  const int64_t lane_limit =
      o.max_batch_bytes > 0 ? (o.max_batch_bytes + o.connections - 1) / o.connections : 0;
  int64_t requests_sent = 0;
  auto more = [&] {
    return !failed.load(std::memory_order_relaxed) && Clock::now() < deadline &&
           (lane_limit == 0 || requests_sent * static_cast<int64_t>(batch_bytes) < lane_limit);
  };
  std::vector<uint8_t> body;
  auto acknowledge = [&]() -> Status {
    RETURN_IF_ERROR(conn.Receive(&body));
    RETURN_IF_ERROR(CheckProduceResponse(body));
    ++lane.requests;
    if (progress != nullptr) progress->Add(batch_bytes, records);
    return Status::OK();
  };
  while (more()) {
    if (request.acks() == 0) {
      RETURN_IF_ERROR(conn.Send(request.frame(), /*expects_response=*/false));
      ++requests_sent;
      lane.wire_bytes += static_cast<int64_t>(frame_bytes);
      ++lane.requests;
      if (progress != nullptr) progress->Add(batch_bytes, records);
      continue;
    }
    if (conn.in_flight() < static_cast<size_t>(o.max_in_flight)) {
      RETURN_IF_ERROR(conn.Send(request.frame()));
      ++requests_sent;
      lane.wire_bytes += static_cast<int64_t>(frame_bytes);
      continue;
    }
    RETURN_IF_ERROR(acknowledge());
  }
  if (request.acks() == 0) {
    // The barrier: its answer comes after every acks=0 request before it was stored.
    request.SetAcks(1);
    RETURN_IF_ERROR(conn.Send(request.frame()));
    lane.wire_bytes += static_cast<int64_t>(frame_bytes);
  }
  while (conn.in_flight() > 0) RETURN_IF_ERROR(acknowledge());
  return Status::OK();
}

}  // namespace

Result<ProducerResult> RunProducer(const ProducerOptions& o, ProgressReporter* progress) {
  if (o.connections < 1 || o.partitions < 1 || o.max_in_flight < 1) {
    return Status::InvalidArgument("producer needs connections, partitions, in-flight >= 1");
  }
  std::vector<Lane> lanes(static_cast<size_t>(o.connections));
  std::atomic<bool> failed{false};
  std::latch ready(o.connections);
  std::vector<std::thread> threads;
  for (int c = 0; c < o.connections; ++c) {
    threads.emplace_back([&, c] {
      Lane& lane = lanes[static_cast<size_t>(c)];
      ProduceTemplateOptions t;
      t.topic = o.topic;
      t.partitions = PartitionsOf(o, c);
      t.records_per_batch = o.records_per_batch;
      t.record_bytes = o.record_bytes;
      t.compression = o.compression;
      t.acks = o.acks;
      Result<ProduceTemplate> request = ProduceTemplate::Build(t);
      Result<std::unique_ptr<KafkaConnection>> conn = KafkaConnection::Connect(o.host, o.port);
      ready.arrive_and_wait();
      lane.start = Clock::now();
      lane.end = lane.start;
      if (!request.ok() || !conn.ok()) {
        lane.status = request.ok() ? conn.status() : request.status();
        failed = true;
        return;
      }
      const double cpu_start = ThreadCpuSeconds();
      lane.status = RunLane(o, **conn, *request, failed, progress, lane);
      lane.cpu_seconds = ThreadCpuSeconds() - cpu_start;
      lane.end = Clock::now();
      if (!lane.status.ok()) failed = true;
      lane.records = lane.requests * request->records_per_request();
      lane.batch_bytes = lane.requests * request->batch_bytes_per_request();
    });
  }
  for (std::thread& t : threads) t.join();
  ProducerResult result;
  Clock::time_point first = lanes.front().start;
  Clock::time_point last = lanes.front().end;
  for (const Lane& lane : lanes) {
    RETURN_IF_ERROR(lane.status);
    result.records += lane.records;
    result.batch_bytes += lane.batch_bytes;
    result.wire_bytes += lane.wire_bytes;
    result.client_cpu_seconds += lane.cpu_seconds;
    first = std::min(first, lane.start);
    last = std::max(last, lane.end);
  }
  result.seconds = std::chrono::duration<double>(last - first).count();
  return result;
}

}  // namespace ringlog::bench
