#include "bench/harness/loadgen/paced_producer.h"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <deque>
#include <memory>
#include <thread>
#include <vector>

#include "bench/harness/loadgen/kafka_connection.h"
#include "bench/harness/loadgen/produce_response_check.h"
#include "bench/harness/loadgen/produce_template.h"

namespace ringlog::bench {
namespace {

using Clock = std::chrono::steady_clock;

// Whether `fd` has bytes to read within `wait` (zero: just look).
Result<bool> Readable(int fd, Clock::duration wait) {
  const auto ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::max(wait, Clock::duration::zero()))
          .count();
  timespec timeout{static_cast<time_t>(ns / 1000000000), static_cast<long>(ns % 1000000000)};
  pollfd pfd{fd, POLLIN, 0};
  const int rc = ppoll(&pfd, 1, &timeout, nullptr);
  if (rc < 0) return errno == EINTR ? false : Result<bool>(Status::IOError("ppoll", errno));
  return rc > 0;
}

}  // namespace

int64_t SendTimeNow() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

Result<PacedProducerResult> RunPacedProducer(const PacedProducerOptions& o,
                                             ProgressReporter* progress) {
  if (o.acks == 0) return Status::InvalidArgument("the paced producer needs acks 1 or -1");
  if (o.records_per_second <= 0 || o.max_batch_records < 1 || o.max_in_flight < 1) {
    return Status::InvalidArgument("paced producer needs a rate, batch and in-flight > 0");
  }
  ASSIGN_OR_RETURN(std::unique_ptr<KafkaConnection> conn, KafkaConnection::Connect(o.host, o.port));
  // One template per batch size, built before the clock starts.
  std::vector<ProduceTemplate> templates;
  for (int count = 1; count <= o.max_batch_records; ++count) {
    ProduceTemplateOptions t;
    t.topic = o.topic;
    t.partitions = {o.partition};
    t.records_per_batch = count;
    t.record_bytes = o.record_bytes;
    t.acks = o.acks;
    ASSIGN_OR_RETURN(ProduceTemplate built, ProduceTemplate::Build(t));
    templates.push_back(std::move(built));
  }
  std::deque<int> in_flight_records;  // per outstanding request, oldest first
  std::vector<uint8_t> body;
  PacedProducerResult result;
  auto acknowledge = [&]() -> Status {
    RETURN_IF_ERROR(conn->Receive(&body));
    RETURN_IF_ERROR(CheckProduceResponse(body));
    const int records = in_flight_records.front();
    in_flight_records.pop_front();
    result.records += records;
    if (progress != nullptr) {
      progress->Add(static_cast<uint64_t>(records) * static_cast<uint64_t>(o.record_bytes),
                    static_cast<uint64_t>(records));
    }
    return Status::OK();
  };
  const std::chrono::duration<double> period(1.0 / o.records_per_second);
  const Clock::time_point start = Clock::now();
  const auto run_for =
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.seconds));
  int64_t sent = 0;
  while (true) {
    const Clock::time_point now = Clock::now();
    if (now - start >= run_for) break;
    const auto due =
        static_cast<int64_t>(
            std::floor(std::chrono::duration<double>(now - start).count() * o.records_per_second)) +
        1;
    if (due > sent && conn->in_flight() < static_cast<size_t>(o.max_in_flight)) {
      const int count = static_cast<int>(std::min<int64_t>(due - sent, o.max_batch_records));
      ProduceTemplate& request = templates[static_cast<size_t>(count - 1)];
      request.StampSendTime(SendTimeNow());
      RETURN_IF_ERROR(conn->Send(request.frame()));
      in_flight_records.push_back(count);
      sent += count;
      continue;
    }
    // Nothing may be sent now: read answers until the next record falls due.
    const Clock::time_point next_due =
        start + std::chrono::duration_cast<Clock::duration>(period * static_cast<double>(sent));
    if (conn->in_flight() == 0) {
      std::this_thread::sleep_until(next_due);
      continue;
    }
    if (conn->has_buffered_input()) {
      RETURN_IF_ERROR(acknowledge());
      continue;
    }
    const Clock::duration wait = due > sent ? Clock::duration::max() / 2 : next_due - Clock::now();
    ASSIGN_OR_RETURN(const bool readable, Readable(conn->fd(), std::min(wait, run_for)));
    if (readable) RETURN_IF_ERROR(acknowledge());
  }
  while (conn->in_flight() > 0) RETURN_IF_ERROR(acknowledge());
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return result;
}

}  // namespace ringlog::bench
