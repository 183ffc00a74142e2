// ringlog: one binary, several subcommands. Flags are defined here and nowhere else in
// the library code; subcommands receive plain option structs.
#include <gflags/gflags.h>
#include <glog/logging.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

#include "backends/backend_factory.h"
#include "bench/harness/bench_command.h"
#include "net/broker/serve_command.h"

// `serve`: names follow Kafka's broker configs (log.segment.bytes -> log_segment_bytes).
DEFINE_string(listen, "127.0.0.1:9092", "host:port to accept Kafka clients on (:port: all)");
DEFINE_string(advertised_host, "", "host clients are told to connect to; default: --listen's");
DEFINE_string(data_dir, "./data", "directory holding all topic data");
DEFINE_string(backend, "uring", "storage backend: uring (segment files) or rocksdb");
DEFINE_bool(auto_create_topics_enable, true, "create unknown topics on Metadata/Produce");
DEFINE_int32(num_partitions, 1, "partitions of an auto-created topic");
DEFINE_int64(log_segment_bytes, 1073741824, "roll a segment before it grows past this");
DEFINE_int64(log_segment_ms, 604800000, "roll a segment once it is this old");
DEFINE_int64(log_retention_ms, 604800000, "delete segments older than this; -1: never");
DEFINE_int64(log_retention_bytes, -1, "delete oldest segments above this size; -1: never");
DEFINE_int64(log_flush_interval_messages, INT64_MAX, "flush after this many messages");
DEFINE_int64(log_flush_interval_ms, INT64_MAX, "flush data older than this");
DEFINE_int64(log_retention_check_interval_ms, 300000, "how often retention runs");
DEFINE_int64(message_max_bytes, 1048588, "largest record batch accepted");
DEFINE_int64(socket_request_max_bytes, 104857600, "largest request accepted");
DEFINE_int64(queued_max_request_bytes, 536870912,
             "memory requests in flight may hold across connections; reading pauses when full");
DEFINE_int32(num_network_threads, 0, "event-loop threads; 0: one per core");
DEFINE_bool(zero_copy, true, "send fetched file data with splice; false copies it");
DEFINE_bool(flush_on_acks_all, true, "acks=all answers after the data is flushed");
DEFINE_int64(group_initial_rebalance_delay_ms, 3000,
             "how long a new consumer group's first rebalance waits for more members");

// `bench` (also takes --backend, where `all` is the default, and --data_dir, which holds
// the suites' scratch directories, by default ./ringlog-bench rather than a broker's ./data).
DEFINE_double(duration, 3, "bench: seconds per measurement");
DEFINE_int32(repetitions, 3, "bench: runs per measurement; the median is reported");
DEFINE_string(out, "", "bench: JSON-lines result file; default bench-<UTC time>.jsonl");
DEFINE_string(compression, "none",
              "bench: codec of the batching suite's batches: none, gzip, snappy, lz4, zstd");
DEFINE_string(broker_binary, "",
              "bench: the ringlog binary that suites start as the broker; default this one "
              "(another build, measured under the same load generator)");

DECLARE_bool(help);  // gflags' own

namespace {

// gflags prints it after "ringlog: " for --help; the help command does the same.
constexpr char kUsage[] =
    "a log storage engine and Kafka-compatible broker\n"
    "\n"
    "usage: ringlog <command> [--flags]\n"
    "\n"
    "commands:\n"
    "  serve     run the broker (--listen, --data_dir, --backend, ...; see --help)\n"
    "  bench     run benchmark suites: bench <suite>|all [--backend=uring|rocksdb|all]\n"
    "            [--duration=S] [--repetitions=N] [--out=FILE.jsonl] [--data_dir=DIR]\n"
    "            [--compression=CODEC] [--broker_binary=PATH]\n"
    "  help      print this text\n";

int RunServe() {
  ringlog::ServeOptions o;
  o.listen = FLAGS_listen;
  o.advertised_host = FLAGS_advertised_host;
  o.data_dir = FLAGS_data_dir;
  o.backend = FLAGS_backend;
  o.auto_create_topics_enable = FLAGS_auto_create_topics_enable;
  o.num_partitions = FLAGS_num_partitions;
  o.log_segment_bytes = FLAGS_log_segment_bytes;
  o.log_segment_ms = FLAGS_log_segment_ms;
  o.log_retention_ms = FLAGS_log_retention_ms;
  o.log_retention_bytes = FLAGS_log_retention_bytes;
  o.log_flush_interval_messages = FLAGS_log_flush_interval_messages;
  o.log_flush_interval_ms = FLAGS_log_flush_interval_ms;
  o.log_retention_check_interval_ms = FLAGS_log_retention_check_interval_ms;
  o.message_max_bytes = FLAGS_message_max_bytes;
  o.socket_request_max_bytes = FLAGS_socket_request_max_bytes;
  o.queued_max_request_bytes = FLAGS_queued_max_request_bytes;
  o.num_network_threads = FLAGS_num_network_threads;
  o.zero_copy = FLAGS_zero_copy;
  o.flush_on_acks_all = FLAGS_flush_on_acks_all;
  o.group_initial_rebalance_delay_ms = FLAGS_group_initial_rebalance_delay_ms;
  const ringlog::Status status =
      ringlog::Serve(o, [](const std::string& backend, const std::string& data_dir) {
        return ringlog::OpenBackend(backend, ringlog::BackendOptions{data_dir});
      });
  if (!status.ok()) {
    std::fprintf(stderr, "ringlog serve: %s\n", status.ToString().c_str());
    return 1;
  }
  return 0;
}

int RunBench(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "ringlog bench: name one suite or all: ringlog bench <suite>|all\n");
    return 2;
  }
  ringlog::bench::BenchCommandOptions o;
  o.suite = argv[2];
  o.backend = gflags::GetCommandLineFlagInfoOrDie("backend").is_default ? "all" : FLAGS_backend;
  o.seconds_per_measurement = FLAGS_duration;
  o.repetitions = FLAGS_repetitions;
  o.out = FLAGS_out;
  o.data_dir = gflags::GetCommandLineFlagInfoOrDie("data_dir").is_default ? "./ringlog-bench"
                                                                          : FLAGS_data_dir;
  o.compression = FLAGS_compression;
  std::error_code ec;
  o.ringlog_binary = std::filesystem::read_symlink("/proc/self/exe", ec).string();
  if (ec) o.ringlog_binary = argv[0];
  if (!FLAGS_broker_binary.empty()) o.ringlog_binary = FLAGS_broker_binary;
  return ringlog::bench::RunBenchCommand(o);
}

}  // namespace

int main(int argc, char** argv) {
  gflags::SetUsageMessage(kUsage);
  gflags::ParseCommandLineNonHelpFlags(&argc, &argv, true);
  // --help lists ringlog's own flags (all defined in this file); --helpfull still lists
  // those of the libraries too (glog's logging flags, gflags' own).
  if (FLAGS_help) {
    gflags::ShowUsageWithFlagsRestrict(argv[0], "ringlog_main");
    return 0;
  }
  gflags::HandleCommandLineHelpFlags();
  FLAGS_logtostderr = true;
  google::InitGoogleLogging(argv[0]);
  const std::string command = argc > 1 ? argv[1] : "help";
  if (command == "serve") return RunServe();
  if (command == "bench") return RunBench(argc, argv);
  if (command == "help") {
    std::printf("ringlog: %s", kUsage);
    return 0;
  }
  std::fprintf(stderr, "ringlog: unknown command '%s'\n\nringlog: %s", command.c_str(), kUsage);
  return 2;
}
