// Suite `metrics`: what serving /metrics costs the produce path. One broker per backend,
// the load generator's producers at full speed (4 connections, 4 partitions, acks=1,
// batches of 16 records of 100 B, 5 requests in flight each), measured in turns with
// nobody scraping and with a scraper fetching /metrics every second over a new connection
// (as Prometheus does); the repetitions alternate the two so drift falls on both alike.
// --metrics_scrape_interval_ms scrapes more often than the target's once a second, which
// magnifies the scrape's cost to where the rates can show it.
// The target: the scraped rate is at least 0.98 of the unscraped one. The rates swing by
// tens of percent from one window to the next on a shared 2-core machine (the broker, the
// load generator and the scraper share it), so the params also give the broker's CPU
// seconds per million records in each case: at full speed the broker's work per record is
// what a scrape could add to, and it is far steadier than the rate. Last, on the idle
// broker, kCostScrapes scrapes in a row give the broker's CPU per scrape, and so the share
// of the broker's CPU at full speed that one scrape a second takes: a bound on what the
// scrape can cost the produce rate that the machine's noise does not move.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bench/harness/fixed_text.h"
#include "bench/harness/loadgen/broker_process.h"
#include "bench/harness/loadgen/free_port.h"
#include "bench/harness/loadgen/kafka_connection.h"
#include "bench/harness/loadgen/metrics_text.h"
#include "bench/harness/loadgen/producer.h"
#include "bench/harness/loadgen/topic_admin.h"
#include "bench/harness/median.h"
#include "bench/harness/progress_reporter.h"
#include "bench/harness/scratch_dir.h"
#include "bench/harness/suite.h"

namespace ringlog::bench {
namespace {

constexpr char kTopic[] = "metrics-bench";
constexpr int kPartitions = 4;
constexpr int kConnections = 4;
constexpr int kRecordsPerBatch = 16;
constexpr int kRecordBytes = 100;
constexpr int kInFlight = 5;
constexpr double kTarget = 0.98;
// Enough scrapes for the kernel's CPU accounting (10 ms ticks) to see a fraction of a
// millisecond each.
constexpr int kCostScrapes = 500;

// Scrapes /metrics every `interval` on its own thread until destroyed.
class Scraper {
 public:
  Scraper(std::string host, int port, std::chrono::milliseconds interval)
      : host_(std::move(host)), port_(port), interval_(interval) {
    thread_ = std::thread([this] { Run(); });
  }
  ~Scraper() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  Scraper(const Scraper&) = delete;
  Scraper& operator=(const Scraper&) = delete;

  // What the scrapes found: OK, or the first failure (a non-200 answer included).
  Status status() const {
    std::lock_guard<std::mutex> lock(mu_);
    return status_;
  }
  int scrapes() const { return scrapes_.load(); }
  size_t last_body_bytes() const { return last_body_bytes_.load(); }
  // Milliseconds each scrape took, client side.
  std::vector<double> durations_ms() const {
    std::lock_guard<std::mutex> lock(mu_);
    return durations_ms_;
  }

 private:
  void Run() {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stopping_) {
      lock.unlock();
      const auto start = std::chrono::steady_clock::now();
      Result<std::string> body = ScrapeMetrics(host_, port_);
      const double ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count();
      lock.lock();
      durations_ms_.push_back(ms);
      if (!body.ok()) {
        if (status_.ok()) status_ = body.status();
      } else {
        scrapes_.fetch_add(1);
        last_body_bytes_.store(body->size());
      }
      cv_.wait_for(lock, interval_, [this] { return stopping_; });
    }
  }

  const std::string host_;
  const int port_;
  const std::chrono::milliseconds interval_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  Status status_ = Status::OK();
  std::vector<double> durations_ms_;
  std::atomic<int> scrapes_{0};
  std::atomic<size_t> last_body_bytes_{0};
  std::thread thread_;
};

Result<ProducerResult> Produce(const SuiteOptions& options, const BrokerProcess& broker,
                               const std::string& label) {
  ProducerOptions p;
  p.host = broker.host();
  p.port = broker.port();
  p.topic = kTopic;
  p.partitions = kPartitions;
  p.connections = kConnections;
  p.records_per_batch = kRecordsPerBatch;
  p.record_bytes = kRecordBytes;
  p.acks = 1;
  p.max_in_flight = kInFlight;
  p.seconds = options.seconds_per_measurement;
  ProgressReporter progress("metrics " + label);
  return RunProducer(p, &progress);
}

Status MeasureBackend(const SuiteOptions& options, const ScratchDir& scratch,
                      const std::string& backend, MeasurementSink& sink) {
  ASSIGN_OR_RETURN(const int metrics_port, FreeLoopbackPort());
  BrokerOptions b;
  b.binary = options.ringlog_binary;
  b.data_dir = scratch.path() + "/broker";
  b.backend = backend;
  b.flags = {"--metrics_listen=127.0.0.1:" + std::to_string(metrics_port)};
  ASSIGN_OR_RETURN(std::unique_ptr<BrokerProcess> broker, BrokerProcess::Start(b));
  {
    ASSIGN_OR_RETURN(std::unique_ptr<KafkaConnection> admin,
                     KafkaConnection::Connect(broker->host(), broker->port()));
    RETURN_IF_ERROR(CreateTopic(*admin, kTopic, kPartitions));
  }
  std::vector<double> plain_rates, plain_mb, scraped_rates, scraped_mb, scrape_ms;
  std::vector<double> plain_cpu, scraped_cpu;  // broker CPU seconds per million records
  int scrapes = 0;
  size_t body_bytes = 0;
  const std::chrono::milliseconds interval(options.metrics_scrape_interval_ms);
  const std::string every = options.metrics_scrape_interval_ms == 1000
                                ? "every 1 s"
                                : "every " + std::to_string(interval.count()) + " ms";
  for (int rep = 0; rep < options.repetitions; ++rep) {
    for (int turn = 0; turn < 2; ++turn) {
      const bool scraped = (turn + rep) % 2 == 1;
      const std::string label = backend + (scraped ? " scraped " + every : " not scraped");
      std::unique_ptr<Scraper> scraper;
      if (scraped) scraper = std::make_unique<Scraper>(broker->host(), metrics_port, interval);
      const double cpu_start = broker->CpuSeconds();
      ASSIGN_OR_RETURN(const ProducerResult result, Produce(options, *broker, label));
      const double cpu = broker->CpuSeconds() - cpu_start;
      if (scraper != nullptr) {
        RETURN_IF_ERROR(scraper->status());
        scrapes += scraper->scrapes();
        body_bytes = scraper->last_body_bytes();
        for (double ms : scraper->durations_ms()) scrape_ms.push_back(ms);
        scraper.reset();
      }
      (scraped ? scraped_rates : plain_rates).push_back(result.records_per_s());
      (scraped ? scraped_mb : plain_mb).push_back(result.mb_per_s());
      if (result.records > 0) {
        (scraped ? scraped_cpu : plain_cpu).push_back(cpu * 1e6 / result.records);
      }
    }
  }
  const double idle_cpu_start = broker->CpuSeconds();
  for (int i = 0; i < kCostScrapes; ++i) {
    RETURN_IF_ERROR(ScrapeMetrics(broker->host(), metrics_port).status());
  }
  const double cpu_s_per_scrape = (broker->CpuSeconds() - idle_cpu_start) / kCostScrapes;
  RETURN_IF_ERROR(broker->Stop());
  RETURN_IF_ERROR(scratch.Clear());

  if (plain_cpu.empty() || scraped_cpu.empty()) {
    return Status::IOError("metrics suite: a case acknowledged no records");
  }
  auto measurement = [&](const std::string& name, const std::vector<double>& rates,
                         const std::vector<double>& mb, const std::vector<double>& cpu) {
    Measurement m;
    m.suite = "metrics";
    m.name = name;
    m.backend = backend;
    m.params = {{"client", "loadgen"},
                {"connections", std::to_string(kConnections)},
                {"partitions", std::to_string(kPartitions)},
                {"records_per_batch", std::to_string(kRecordsPerBatch)},
                {"record_bytes", std::to_string(kRecordBytes)},
                {"max_in_flight", std::to_string(kInFlight)},
                {"acks", "1"}};
    m.params["broker_cpu_s_per_million_records"] = Fixed(Median(cpu), 4);
    m.records_per_s = Median(rates);
    m.mb_per_s = Median(mb);
    m.repetitions = options.repetitions;
    return m;
  };
  Measurement plain =
      measurement("produce, /metrics not scraped", plain_rates, plain_mb, plain_cpu);
  Measurement scraped =
      measurement("produce, /metrics scraped " + every, scraped_rates, scraped_mb, scraped_cpu);
  // Records per broker CPU second, scraped against not scraped: the ratio's comparison
  // without the swings in how much CPU the machine gives the broker.
  // (A run too short for the kernel's CPU accounting to tick has none.)
  if (Median(plain_cpu) > 0 && Median(scraped_cpu) > 0) {
    scraped.params["records_per_broker_cpu_ratio"] =
        Fixed(Median(plain_cpu) / Median(scraped_cpu), 4);
  }
  if (options.metrics_scrape_interval_ms == 1000) {
    scraped.params["target_ratio"] = Fixed(kTarget, 2);
  }
  scraped.params["scrape_interval_ms"] = std::to_string(interval.count());
  scraped.params["scrapes"] = std::to_string(scrapes);
  scraped.params["scrape_body_bytes"] = std::to_string(body_bytes);
  scraped.params["scrape_median_ms"] = Fixed(scrape_ms.empty() ? 0.0 : Median(scrape_ms), 2);
  scraped.params["broker_cpu_ms_per_scrape"] = Fixed(cpu_s_per_scrape * 1e3, 3);
  // The broker's CPU seconds per second at full speed, unscraped.
  const double busy_cpu = Median(plain_cpu) * Median(plain_rates) / 1e6;
  if (busy_cpu > 0) {
    const double seconds = std::chrono::duration<double>(interval).count();
    scraped.params["scrape_cpu_share"] = Fixed(cpu_s_per_scrape / seconds / busy_cpu, 5);
  }
  scraped.CompareWith(plain.name, plain.mb_per_s);
  sink.Add(plain);
  sink.Add(scraped);
  return Status::OK();
}

}  // namespace

Status RunMetricsSuite(const SuiteOptions& options, MeasurementSink& sink) {
  ASSIGN_OR_RETURN(std::unique_ptr<ScratchDir> scratch,
                   ScratchDir::Create(options.data_dir, "metrics-"));
  for (const std::string& backend : options.backends) {
    RETURN_IF_ERROR(MeasureBackend(options, *scratch, backend, sink));
  }
  return Status::OK();
}

}  // namespace ringlog::bench
