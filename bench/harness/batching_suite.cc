// Suite `batching`: produce throughput over the Kafka protocol on loopback as batches
// grow, 1 to 4096 records of 100 B and of 1 KiB, with acks 0, 1 and all, against the two
// limits in the way, both measured in the same run with the same bytes: the loopback
// TCP limit (a plain sender/receiver pair moving request-sized writes) and the disk
// limit (a raw sequential write of batch-sized blocks). Each case is reported as its
// ratio to the smaller of the two.
//
// The broker is a `ringlog serve` child, started afresh on an empty directory for every
// run, so no run pays for another's data. The
// load generator uses 4 connections to 4 partitions with 8 requests in flight each.
//
// With --compression=gzip|snappy|lz4|zstd the batches are compressed (text-like values,
// produce_template.h), so the broker decompresses and checks every batch it stores; MB/s
// then counts the compressed bytes stored, and records/s compares across codecs.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "bench/harness/loadgen/broker_process.h"
#include "bench/harness/loadgen/kafka_connection.h"
#include "bench/harness/loadgen/network_limits.h"
#include "bench/harness/loadgen/produce_template.h"
#include "bench/harness/loadgen/producer.h"
#include "bench/harness/loadgen/topic_admin.h"
#include "bench/harness/median.h"
#include "bench/harness/progress_reporter.h"
#include "bench/harness/raw_sequential_write.h"
#include "bench/harness/scratch_dir.h"
#include "bench/harness/suite.h"

namespace ringlog::bench {
namespace {

constexpr char kTopic[] = "batching";
constexpr int kRecordSizes[] = {100, 1024};
constexpr int kBatchRecords[] = {1, 16, 64, 256, 1024, 4096};
constexpr int16_t kAcks[] = {0, 1, -1};
// The broker serves each connection's requests one at a time, so parallelism comes from
// connections; 4 x 8 in flight reached about twice the rate of 2 x 4 here.
constexpr int kConnections = 4;
constexpr int kPartitions = 4;
constexpr int kInFlight = 8;
// Above the largest batch (4096 records of 1 KiB).
constexpr int64_t kMessageMaxBytes = 16 << 20;

std::string AcksName(int16_t acks) { return acks == -1 ? "all" : std::to_string(acks); }

// The same-run limits for one batch shape.
struct Limits {
  double loopback_mb_per_s = 0;
  double disk_mb_per_s = 0;
  double min() const { return std::min(loopback_mb_per_s, disk_mb_per_s); }
};

struct Shape {
  int record_bytes = 0;
  int records_per_batch = 0;
  CompressionType compression = CompressionType::kNone;
  int64_t batch_bytes = 0;  // one record batch
  int64_t frame_bytes = 0;  // one request carrying it
};

Result<Shape> ShapeOf(int record_bytes, int records_per_batch, CompressionType compression) {
  ProduceTemplateOptions t;
  t.topic = kTopic;
  t.records_per_batch = records_per_batch;
  t.record_bytes = record_bytes;
  t.compression = compression;
  ASSIGN_OR_RETURN(ProduceTemplate request, ProduceTemplate::Build(t));
  return Shape{record_bytes, records_per_batch, compression, request.batch_bytes_per_request(),
               static_cast<int64_t>(request.frame().size())};
}

// "64x1024B", and the codec when there is one: "64x1024B lz4".
std::string ShapeName(const Shape& shape) {
  std::string name =
      std::to_string(shape.records_per_batch) + "x" + std::to_string(shape.record_bytes) + "B";
  if (shape.compression != CompressionType::kNone) {
    name += ' ';
    name += CompressionName(shape.compression);
  }
  return name;
}

std::map<std::string, std::string> ShapeParams(const Shape& shape) {
  return {{"record_bytes", std::to_string(shape.record_bytes)},
          {"records_per_batch", std::to_string(shape.records_per_batch)},
          {"compression", std::string(CompressionName(shape.compression))},
          {"batch_bytes", std::to_string(shape.batch_bytes)}};
}

// The disk limit for `block_bytes` blocks: the raw sequential write (buffered, no
// flush, as the broker writes without a flush policy) of batch-sized blocks.
Result<double> DiskLimit(const ScratchDir& scratch, int64_t block_bytes,
                         const SuiteOptions& options) {
  const std::string dir = scratch.path() + "/raw";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IOError("create " + dir + ": " + ec.message(), ec.value());
  const std::string block(static_cast<size_t>(block_bytes), 'd');
  RawWriteOptions raw;
  raw.dir = dir;
  raw.block = block;
  raw.seconds = options.seconds_per_measurement;
  ASSIGN_OR_RETURN(const WriteRun run, RunRawSequentialWrite(raw));
  RETURN_IF_ERROR(scratch.Clear());
  return run.mb_per_s();
}

Result<Limits> MeasureLimits(const SuiteOptions& options, const ScratchDir& scratch,
                             const Shape& shape, MeasurementSink& sink) {
  std::vector<double> loopback, disk;
  for (int rep = 0; rep < options.repetitions; ++rep) {
    std::fprintf(stderr, "batching: loopback and disk limits for %s\n", ShapeName(shape).c_str());
    ASSIGN_OR_RETURN(const TransferRate tcp,
                     MeasureLoopbackTcp(static_cast<size_t>(shape.frame_bytes),
                                        options.seconds_per_measurement));
    loopback.push_back(tcp.mb_per_s());
    ASSIGN_OR_RETURN(const double raw, DiskLimit(scratch, shape.batch_bytes, options));
    disk.push_back(raw);
  }
  Limits limits{Median(loopback), Median(disk)};
  Measurement m;
  m.suite = "batching";
  m.params = ShapeParams(shape);
  m.repetitions = options.repetitions;
  m.name = "loopback tcp " + ShapeName(shape);
  m.params["chunk_bytes"] = std::to_string(shape.frame_bytes);
  m.mb_per_s = limits.loopback_mb_per_s;
  sink.Add(m);
  m.params.erase("chunk_bytes");
  m.name = "raw disk write " + ShapeName(shape);
  m.params["block_bytes"] = std::to_string(shape.batch_bytes);
  m.mb_per_s = limits.disk_mb_per_s;
  sink.Add(m);
  return limits;
}

// What one producer run against a fresh broker measured.
struct CaseRun {
  double mb_per_s = 0;
  double records_per_s = 0;
  double client_cpu_s_per_gb = 0;
  double broker_cpu_s_per_gb = 0;
};

// One repetition of a case on a fresh broker and an empty directory, as the disk limit
// starts from an empty file: data left by an earlier run would put this one behind the
// page cache's write-back of it.
Result<CaseRun> RunCaseOnce(const SuiteOptions& options, const ScratchDir& scratch,
                            const std::string& backend, const Shape& shape, int16_t acks,
                            const std::string& label) {
  BrokerOptions b;
  b.binary = options.ringlog_binary;
  b.data_dir = scratch.path() + "/broker";
  b.backend = backend;
  b.flags = {"--message_max_bytes=" + std::to_string(kMessageMaxBytes)};
  ASSIGN_OR_RETURN(std::unique_ptr<BrokerProcess> broker, BrokerProcess::Start(b));
  {
    ASSIGN_OR_RETURN(std::unique_ptr<KafkaConnection> admin,
                     KafkaConnection::Connect(broker->host(), broker->port()));
    RETURN_IF_ERROR(CreateTopic(*admin, kTopic, kPartitions));
  }
  ProducerOptions p;
  p.host = broker->host();
  p.port = broker->port();
  p.topic = kTopic;
  p.partitions = kPartitions;
  p.connections = kConnections;
  p.records_per_batch = shape.records_per_batch;
  p.record_bytes = shape.record_bytes;
  p.compression = shape.compression;
  p.acks = acks;
  p.max_in_flight = kInFlight;
  p.seconds = options.seconds_per_measurement;
  const double broker_cpu_before = broker->CpuSeconds();
  ProducerResult result;
  {
    ProgressReporter progress(label);
    ASSIGN_OR_RETURN(result, RunProducer(p, &progress));
  }
  const double broker_cpu = broker->CpuSeconds() - broker_cpu_before;
  RETURN_IF_ERROR(broker->Stop());
  // Deleting the data before it is written back spares the next run the write-back.
  RETURN_IF_ERROR(scratch.Clear());
  const double gb = static_cast<double>(result.batch_bytes) / 1e9;
  return CaseRun{result.mb_per_s(), result.records_per_s(),
                 gb > 0 ? result.client_cpu_seconds / gb : 0, gb > 0 ? broker_cpu / gb : 0};
}

// One case: `repetitions` runs, medians.
Status MeasureCase(const SuiteOptions& options, const ScratchDir& scratch,
                   const std::string& backend, const Shape& shape, int16_t acks,
                   const Limits& limits, MeasurementSink& sink) {
  const std::string label =
      "batching " + backend + " " + ShapeName(shape) + " acks=" + AcksName(acks);
  std::vector<double> mb, records, client_cpu, broker_cpu;
  for (int rep = 0; rep < options.repetitions; ++rep) {
    ASSIGN_OR_RETURN(const CaseRun run, RunCaseOnce(options, scratch, backend, shape, acks, label));
    mb.push_back(run.mb_per_s);
    records.push_back(run.records_per_s);
    client_cpu.push_back(run.client_cpu_s_per_gb);
    broker_cpu.push_back(run.broker_cpu_s_per_gb);
  }

  Measurement m;
  m.suite = "batching";
  m.name = ShapeName(shape) + " acks=" + AcksName(acks);
  m.backend = backend;
  m.params = ShapeParams(shape);
  m.params["acks"] = AcksName(acks);
  m.params["connections"] = std::to_string(kConnections);
  m.params["max_in_flight"] = std::to_string(kInFlight);
  m.params["loopback_mb_per_s"] = std::to_string(limits.loopback_mb_per_s);
  m.params["disk_mb_per_s"] = std::to_string(limits.disk_mb_per_s);
  // What the client and the broker spend per GB stored: the client must cost far less.
  m.params["client_cpu_s_per_gb"] = std::to_string(Median(client_cpu));
  m.params["broker_cpu_s_per_gb"] = std::to_string(Median(broker_cpu));
  m.mb_per_s = Median(mb);
  m.records_per_s = Median(records);
  m.repetitions = options.repetitions;
  m.CompareWith("min(loopback, disk)", limits.min());
  sink.Add(m);
  return Status::OK();
}

}  // namespace

Status RunBatchingSuite(const SuiteOptions& options, MeasurementSink& sink) {
  ASSIGN_OR_RETURN(std::unique_ptr<ScratchDir> scratch,
                   ScratchDir::Create(options.data_dir, "batching-"));
  for (int record_bytes : kRecordSizes) {
    for (int records_per_batch : kBatchRecords) {
      ASSIGN_OR_RETURN(const Shape shape,
                       ShapeOf(record_bytes, records_per_batch, options.compression));
      ASSIGN_OR_RETURN(const Limits limits, MeasureLimits(options, *scratch, shape, sink));
      for (const std::string& backend : options.backends) {
        for (int16_t acks : kAcks) {
          RETURN_IF_ERROR(MeasureCase(options, *scratch, backend, shape, acks, limits, sink));
        }
      }
    }
  }
  return Status::OK();
}

}  // namespace ringlog::bench
