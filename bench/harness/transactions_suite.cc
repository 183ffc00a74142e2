// Suite `transactions`: what Kafka transactions cost (issue 17), against a `ringlog serve`
// child writing to disk.
//
// 1. Produce: librdkafka's transactional producer, 100 B records, 1,000 (and 10,000) records
//    per transaction (begin, enqueue, commit, back to back), beside librdkafka's idempotent
//    producer with the same configuration, to topics of 4 partitions on the same broker,
//    the cases taking turns over the repetitions. Target: transactional at 1,000 records
//    per transaction ≥ 0.8 × idempotent. The commit share (time in commit_transaction /
//    run time) is in the params: how much of a run waits for the commit's round trips; so
//    is where a transaction's time goes: the broker's own time answering its
//    AddPartitionsToTxn, Produce and EndTxn (from the broker's /metrics, scraped before and
//    after each run), and the rest (the client, the network, waits between the requests).
// 2. Fetch: the transactional topic as written by part 1 (committed transactions and their
//    COMMIT markers, no aborts), read whole from offset 0 by one load-generator consumer per
//    partition (Fetch v4, 8 MiB per request, one request at a time) with read_committed
//    beside read_uncommitted, taking turns. Both must read the same bytes (the run fails
//    otherwise) with no aborted transactions listed. Target: read_committed ≈
//    read_uncommitted (ratio ≥ 0.95). The broker's CPU seconds per GB read are in the
//    params of each.
#include <chrono>
#include <cstdio>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "bench/harness/fixed_text.h"
#include "bench/harness/loadgen/broker_process.h"
#include "bench/harness/loadgen/consumer.h"
#include "bench/harness/loadgen/free_port.h"
#include "bench/harness/loadgen/kafka_connection.h"
#include "bench/harness/loadgen/metrics_text.h"
#include "bench/harness/loadgen/rdkafka_producer.h"
#include "bench/harness/loadgen/rdkafka_txn_producer.h"
#include "bench/harness/loadgen/topic_admin.h"
#include "bench/harness/median.h"
#include "bench/harness/progress_reporter.h"
#include "bench/harness/scratch_dir.h"
#include "bench/harness/suite.h"

namespace ringlog::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr char kSuite[] = "transactions";
constexpr char kIdempotentTopic[] = "txn-bench-idempotent";
constexpr char kTransactionalTopic[] = "txn-bench-transactional";
constexpr int kPartitions = 4;
constexpr int kRecordBytes = 100;
// The transaction sizes measured; the target is set at 1,000. The larger one shows how far
// the per-transaction cost (its serial round trips and flushes) is amortised.
constexpr int kRecordsPerTransaction[] = {1000, 10000};
constexpr int kTargetRecordsPerTransaction = 1000;
constexpr int kInFlight = 5;  // the most an idempotent producer may have
constexpr char kProduceTarget[] = "0.80";
constexpr char kFetchTarget[] = "0.95";
constexpr int8_t kReadUncommitted = 0;
constexpr int8_t kReadCommitted = 1;
// The requests of one transaction, in the order librdkafka sends them and waits for each.
constexpr const char* kTxnApis[] = {"AddPartitionsToTxn", "Produce", "EndTxn"};
// How long part 2 waits for the last COMMIT markers to bring the last stable offsets up to
// the high watermarks.
constexpr auto kStableWait = std::chrono::seconds(10);

// The configuration both producers share: librdkafka's defaults except the acks and
// in-flight limits idempotence requires and a deeper queue, as the librdkafka suite has.
std::map<std::string, std::string> ProducerConfig() {
  return {
      {"acks", "all"},
      {"max.in.flight", std::to_string(kInFlight)},
      {"enable.idempotence", "true"},
      {"linger.ms", "5"},
      {"queue.buffering.max.messages", "1000000"},
      {"compression.codec", "none"},
  };
}

std::string Bootstrap(const BrokerProcess& broker) {
  return broker.host() + ":" + std::to_string(broker.port());
}

// The broker's time answering each of kTxnApis so far (seconds), from its /metrics.
Result<std::vector<double>> BrokerRequestSeconds(const BrokerProcess& broker, int metrics_port) {
  ASSIGN_OR_RETURN(const std::string body, ScrapeMetrics(broker.host(), metrics_port));
  std::vector<double> seconds;
  for (const char* api : kTxnApis) {
    const std::string series =
        std::string("ringlog_request_duration_seconds_sum{api=\"") + api + "\"}";
    seconds.push_back(SeriesValue(body, series).value_or(0));
  }
  return seconds;
}

// One idempotent run: records/s.
Result<double> RunIdempotent(const SuiteOptions& options, const BrokerProcess& broker,
                             const std::string& backend) {
  RdkafkaProducerOptions r;
  r.bootstrap_servers = Bootstrap(broker);
  r.topic = kIdempotentTopic;
  r.record_bytes = kRecordBytes;
  r.seconds = options.seconds_per_measurement;
  r.config = ProducerConfig();
  r.warmup_partitions = kPartitions;
  ProgressReporter progress("transactions idempotent " + backend);
  ASSIGN_OR_RETURN(const RdkafkaProducerResult result, RunRdkafkaProducer(r, &progress));
  return result.records_per_s();
}

// One transactional run of `records_per_transaction` under a transactional id of its own.
Result<RdkafkaTxnProducerResult> RunTransactional(const SuiteOptions& options,
                                                  const BrokerProcess& broker,
                                                  const std::string& backend,
                                                  int records_per_transaction, int rep) {
  RdkafkaTxnProducerOptions t;
  t.bootstrap_servers = Bootstrap(broker);
  t.topic = kTransactionalTopic;
  t.transactional_id = "txn-bench-" + backend + "-" + std::to_string(records_per_transaction) +
                       "-" + std::to_string(rep);
  t.record_bytes = kRecordBytes;
  t.records_per_transaction = records_per_transaction;
  t.seconds = options.seconds_per_measurement;
  t.config = ProducerConfig();
  t.warmup_partitions = kPartitions;
  ProgressReporter progress("transactions transactional " +
                            std::to_string(records_per_transaction) + "/txn " + backend);
  return RunRdkafkaTxnProducer(t, &progress);
}

Measurement ProduceMeasurement(const SuiteOptions& options, const std::string& name,
                               const std::string& backend, const std::string& topic,
                               double records_per_s) {
  Measurement m;
  m.suite = kSuite;
  m.name = name;
  m.backend = backend;
  m.params = {{"client", "librdkafka"},
              {"record_bytes", std::to_string(kRecordBytes)},
              {"topic", topic},
              {"partitions", std::to_string(kPartitions)}};
  for (const auto& [key, value] : ProducerConfig()) m.params[key] = value;
  m.records_per_s = records_per_s;
  m.mb_per_s = records_per_s * kRecordBytes / 1e6;
  m.repetitions = options.repetitions;
  return m;
}

// The repetitions of one transactional case.
struct TransactionalRuns {
  std::vector<double> rates;
  std::vector<double> commit_shares;
  int64_t transactions = 0;
  std::vector<double> wall_ms_per_txn;
  // Per entry of kTxnApis, the broker's time answering it per transaction (the warm-up
  // transaction's requests are counted in, one in hundreds).
  std::vector<std::vector<double>> broker_ms_per_txn{std::size(kTxnApis)};
  // The wall time less the broker's. Produce requests in flight together (up to
  // max.in.flight) are each counted whole, so when the broker is slow their sum can pass
  // the wall time and this goes negative: the client then waited on the broker throughout.
  std::vector<double> outside_broker_ms_per_txn;
};

// Part 1 on a running broker: the idempotent case and one transactional case per entry of
// kRecordsPerTransaction, taking turns (each repetition starting one case later) so that
// drift of a shared, noisy machine falls on all of them alike.
Status CompareProduce(const SuiteOptions& options, const BrokerProcess& broker, int metrics_port,
                      const std::string& backend, MeasurementSink& sink) {
  const size_t cases = 1 + std::size(kRecordsPerTransaction);
  std::vector<double> idempotent;
  std::vector<TransactionalRuns> transactional(std::size(kRecordsPerTransaction));
  for (int rep = 0; rep < options.repetitions; ++rep) {
    for (size_t turn = 0; turn < cases; ++turn) {
      const size_t c = (turn + static_cast<size_t>(rep)) % cases;
      if (c == 0) {
        ASSIGN_OR_RETURN(const double rate, RunIdempotent(options, broker, backend));
        idempotent.push_back(rate);
        continue;
      }
      ASSIGN_OR_RETURN(const std::vector<double> before,
                       BrokerRequestSeconds(broker, metrics_port));
      ASSIGN_OR_RETURN(
          const RdkafkaTxnProducerResult r,
          RunTransactional(options, broker, backend, kRecordsPerTransaction[c - 1], rep));
      ASSIGN_OR_RETURN(const std::vector<double> after, BrokerRequestSeconds(broker, metrics_port));
      TransactionalRuns& runs = transactional[c - 1];
      runs.rates.push_back(r.records_per_s());
      runs.commit_shares.push_back(r.commit_seconds / r.seconds);
      runs.transactions += r.transactions;
      const double wall_ms = r.seconds * 1e3 / static_cast<double>(r.transactions);
      double broker_ms = 0;
      for (size_t api = 0; api < std::size(kTxnApis); ++api) {
        const double ms = (after[api] - before[api]) * 1e3 / static_cast<double>(r.transactions);
        runs.broker_ms_per_txn[api].push_back(ms);
        broker_ms += ms;
      }
      runs.wall_ms_per_txn.push_back(wall_ms);
      runs.outside_broker_ms_per_txn.push_back(wall_ms - broker_ms);
    }
  }
  const Measurement base = ProduceMeasurement(options, "librdkafka 100 B idempotent", backend,
                                              kIdempotentTopic, Median(idempotent));
  sink.Add(base);
  for (size_t i = 0; i < std::size(kRecordsPerTransaction); ++i) {
    const std::string per = std::to_string(kRecordsPerTransaction[i]);
    Measurement m =
        ProduceMeasurement(options, "librdkafka 100 B transactional " + per + " records/txn",
                           backend, kTransactionalTopic, Median(transactional[i].rates));
    m.params["records_per_transaction"] = per;
    m.params["transactions"] = std::to_string(transactional[i].transactions);
    m.params["commit_share"] = Fixed(Median(transactional[i].commit_shares), 3);
    m.params["wall_ms_per_txn"] = Fixed(Median(transactional[i].wall_ms_per_txn), 3);
    for (size_t api = 0; api < std::size(kTxnApis); ++api) {
      m.params[std::string("broker_ms_per_txn_") + kTxnApis[api]] =
          Fixed(Median(transactional[i].broker_ms_per_txn[api]), 3);
    }
    m.params["outside_broker_ms_per_txn"] =
        Fixed(Median(transactional[i].outside_broker_ms_per_txn), 3);
    if (kRecordsPerTransaction[i] == kTargetRecordsPerTransaction) {
      m.params["target_ratio"] = kProduceTarget;
    }
    m.CompareWith(base.name, base.mb_per_s);
    sink.Add(m);
  }
  return Status::OK();
}

// The end of each partition of the transactional topic once no transaction is open there:
// its high watermark, once the last stable offset has reached it.
Result<std::vector<Offset>> StableEnds(const BrokerProcess& broker) {
  std::vector<Offset> ends;
  for (int32_t p = 0; p < kPartitions; ++p) {
    ConsumerOptions c;
    c.host = broker.host();
    c.port = broker.port();
    c.topic = kTransactionalTopic;
    c.partition = p;
    c.max_bytes = 1;  // the watermarks are what is wanted, not the records
    c.max_wait_ms = 0;
    ASSIGN_OR_RETURN(std::unique_ptr<Consumer> consumer, Consumer::Connect(c));
    const Clock::time_point give_up = Clock::now() + kStableWait;
    while (true) {
      ASSIGN_OR_RETURN(const FetchedRecords f, consumer->Fetch(0));
      if (f.last_stable_offset == f.high_watermark) {
        ends.push_back(f.high_watermark);
        break;
      }
      if (Clock::now() > give_up) {
        return Status::IOError("partition " + std::to_string(p) + " of " + kTransactionalTopic +
                               ": last stable offset " + std::to_string(f.last_stable_offset) +
                               " below the high watermark " + std::to_string(f.high_watermark) +
                               " after the transactions were committed");
      }
    }
  }
  return ends;
}

// One consumer per partition at one isolation level.
struct Reader {
  std::vector<std::unique_ptr<Consumer>> consumers;
};

Result<Reader> ConnectReader(const BrokerProcess& broker, int8_t isolation_level) {
  Reader reader;
  for (int32_t p = 0; p < kPartitions; ++p) {
    ConsumerOptions c;
    c.host = broker.host();
    c.port = broker.port();
    c.topic = kTransactionalTopic;
    c.partition = p;
    c.isolation_level = isolation_level;
    c.max_wait_ms = 0;
    ASSIGN_OR_RETURN(std::unique_ptr<Consumer> consumer, Consumer::Connect(c));
    reader.consumers.push_back(std::move(consumer));
  }
  return reader;
}

struct ReadRun {
  double mb_per_s = 0;
  double records_per_s = 0;
  uint64_t bytes_per_pass = 0;
  int64_t aborted_listed = 0;
  // The broker's CPU seconds per GB read: a same-run comparison that the machine's noise
  // moves far less than the rates.
  double broker_cpu_s_per_gb = 0;
};

// Reads every partition from 0 to `ends`, over and over for the measurement's time (at
// least once). Records are offsets (a COMMIT marker is one).
Result<ReadRun> ReadAll(const SuiteOptions& options, const BrokerProcess& broker, Reader& reader,
                        const std::vector<Offset>& ends, const std::string& label) {
  ProgressReporter progress(label);
  ReadRun run;
  const double cpu_start = broker.CpuSeconds();
  uint64_t bytes = 0;
  int64_t records = 0;
  const Clock::time_point start = Clock::now();
  const Clock::time_point deadline =
      start + std::chrono::duration_cast<Clock::duration>(
                  std::chrono::duration<double>(options.seconds_per_measurement));
  do {
    uint64_t pass_bytes = 0;
    for (int32_t p = 0; p < kPartitions; ++p) {
      Offset offset = 0;
      while (offset < ends[p]) {
        ASSIGN_OR_RETURN(const FetchedRecords f, reader.consumers[p]->Fetch(offset));
        if (f.next_offset == offset) {
          return Status::IOError(label + ": no progress at offset " + std::to_string(offset) +
                                 " of partition " + std::to_string(p) + " (end " +
                                 std::to_string(ends[p]) + ")");
        }
        run.aborted_listed += f.aborted_transactions;
        progress.Add(f.batches.size(), static_cast<uint64_t>(f.next_offset - offset));
        pass_bytes += f.batches.size();
        records += f.next_offset - offset;
        offset = f.next_offset;
      }
    }
    run.bytes_per_pass = pass_bytes;
    bytes += pass_bytes;
  } while (Clock::now() < deadline);
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  run.mb_per_s = static_cast<double>(bytes) / seconds / 1e6;
  run.records_per_s = static_cast<double>(records) / seconds;
  run.broker_cpu_s_per_gb = (broker.CpuSeconds() - cpu_start) / (static_cast<double>(bytes) / 1e9);
  return run;
}

Measurement FetchMeasurement(const SuiteOptions& options, const std::string& name,
                             const std::string& backend, const std::string& isolation,
                             const std::vector<ReadRun>& runs) {
  std::vector<double> mb, records, cpu;
  int64_t aborted = 0;
  for (const ReadRun& r : runs) {
    cpu.push_back(r.broker_cpu_s_per_gb);
    mb.push_back(r.mb_per_s);
    records.push_back(r.records_per_s);
    aborted += r.aborted_listed;
  }
  Measurement m;
  m.suite = kSuite;
  m.name = name;
  m.backend = backend;
  m.params = {{"client", "loadgen"},
              {"fetch_version", "4"},
              {"isolation_level", isolation},
              {"topic", kTransactionalTopic},
              {"partitions", std::to_string(kPartitions)},
              {"bytes_per_pass", std::to_string(runs.front().bytes_per_pass)},
              {"aborted_transactions_listed", std::to_string(aborted)}};
  m.params["broker_cpu_s_per_gb"] = Fixed(Median(cpu), 3);
  m.mb_per_s = Median(mb);
  m.records_per_s = Median(records);
  m.repetitions = options.repetitions;
  return m;
}

// Part 2 on the broker part 1 wrote to.
Status CompareFetch(const SuiteOptions& options, const BrokerProcess& broker,
                    const std::string& backend, MeasurementSink& sink) {
  ASSIGN_OR_RETURN(const std::vector<Offset> ends, StableEnds(broker));
  ASSIGN_OR_RETURN(Reader uncommitted, ConnectReader(broker, kReadUncommitted));
  ASSIGN_OR_RETURN(Reader committed, ConnectReader(broker, kReadCommitted));
  std::vector<ReadRun> uncommitted_runs, committed_runs;
  for (int rep = 0; rep < options.repetitions; ++rep) {
    for (int turn = 0; turn < 2; ++turn) {
      if ((turn + rep) % 2 == 0) {
        ASSIGN_OR_RETURN(ReadRun r, ReadAll(options, broker, uncommitted, ends,
                                            "transactions read_uncommitted " + backend));
        uncommitted_runs.push_back(r);
      } else {
        ASSIGN_OR_RETURN(ReadRun r, ReadAll(options, broker, committed, ends,
                                            "transactions read_committed " + backend));
        committed_runs.push_back(r);
      }
    }
  }
  if (committed_runs.front().bytes_per_pass != uncommitted_runs.front().bytes_per_pass) {
    return Status::IOError("read_committed read " +
                           std::to_string(committed_runs.front().bytes_per_pass) +
                           " bytes of committed transactions, read_uncommitted " +
                           std::to_string(uncommitted_runs.front().bytes_per_pass));
  }
  const Measurement base =
      FetchMeasurement(options, "fetch read_uncommitted", backend, "0", uncommitted_runs);
  sink.Add(base);
  Measurement m = FetchMeasurement(options, "fetch read_committed", backend, "1", committed_runs);
  m.params["target_ratio"] = kFetchTarget;
  m.CompareWith(base.name, base.mb_per_s);
  sink.Add(m);
  return Status::OK();
}

Status MeasureBackend(const SuiteOptions& options, const ScratchDir& scratch,
                      const std::string& backend, MeasurementSink& sink) {
  {
    ASSIGN_OR_RETURN(const int metrics_port, FreeLoopbackPort());
    BrokerOptions b;
    b.binary = options.ringlog_binary;
    b.data_dir = scratch.path() + "/broker";
    b.backend = backend;
    b.flags = {"--metrics_listen=127.0.0.1:" + std::to_string(metrics_port)};
    ASSIGN_OR_RETURN(std::unique_ptr<BrokerProcess> broker, BrokerProcess::Start(b));
    ASSIGN_OR_RETURN(std::unique_ptr<KafkaConnection> admin,
                     KafkaConnection::Connect(broker->host(), broker->port()));
    RETURN_IF_ERROR(CreateTopic(*admin, kIdempotentTopic, kPartitions));
    RETURN_IF_ERROR(CreateTopic(*admin, kTransactionalTopic, kPartitions));
    RETURN_IF_ERROR(CompareProduce(options, *broker, metrics_port, backend, sink));
    RETURN_IF_ERROR(CompareFetch(options, *broker, backend, sink));
    RETURN_IF_ERROR(broker->Stop());
  }
  return scratch.Clear();
}

}  // namespace

Status RunTransactionsSuite(const SuiteOptions& options, MeasurementSink& sink) {
  ASSIGN_OR_RETURN(std::unique_ptr<ScratchDir> scratch,
                   ScratchDir::Create(options.data_dir, "transactions-"));
  for (const std::string& backend : options.backends) {
    RETURN_IF_ERROR(MeasureBackend(options, *scratch, backend, sink));
  }
  return Status::OK();
}

}  // namespace ringlog::bench
