// JsonLinesSink: writes each measurement as one JSON object per line, the file format of
// `ringlog bench --out` and of results/:
//
//   {"suite":"seqio","name":"uring 64KiB flush=none","backend":"uring",
//    "params":{"block_bytes":"65536","flush":"none"},"mb_per_s":1900.2,
//    "records_per_s":29000,"latency":null,"repetitions":3,
//    "baseline_name":"raw buffered 64KiB flush=none","baseline_mb_per_s":2010.7,
//    "ratio":0.945,"git_revision":"7cd1f28","date":"2026-11-22T13:30:00Z",
//    "machine":{"cpu_model":"...","cores":2,"memory_bytes":...,"kernel":"...",
//               "filesystem":"ext4","device":"/dev/vda","mount_point":"/"}}
//
// Every line is flushed as it is written, so a run that dies keeps what it measured.
//
// Thread safety: thread-compatible.
#pragma once

#include <cstdio>
#include <memory>
#include <string>

#include "bench/harness/measurement.h"
#include "bench/harness/run_context.h"
#include "engine/status.h"

namespace ringlog::bench {

class JsonLinesSink final : public MeasurementSink {
 public:
  // Creates (or truncates) `path`. IOError when it cannot be opened.
  static Result<std::unique_ptr<JsonLinesSink>> Open(const std::string& path,
                                                     const RunContext& context);
  ~JsonLinesSink() override;
  JsonLinesSink(const JsonLinesSink&) = delete;
  JsonLinesSink& operator=(const JsonLinesSink&) = delete;

  // A write error is logged once (LOG(ERROR)); the run goes on, with the table.
  void Add(const Measurement& measurement) override;

  // One JSON object, without a newline.
  static std::string ToJson(const Measurement& measurement, const RunContext& context);

 private:
  JsonLinesSink(std::FILE* file, std::string path, const RunContext& context)
      : file_(file), path_(std::move(path)), context_(context) {}

  std::FILE* const file_;
  const std::string path_;
  const RunContext context_;
  bool failed_ = false;
};

}  // namespace ringlog::bench
