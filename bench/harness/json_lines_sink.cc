#include "bench/harness/json_lines_sink.h"

#include <glog/logging.h>

#include <cerrno>

#include "bench/harness/json_object_writer.h"

namespace ringlog::bench {

Result<std::unique_ptr<JsonLinesSink>> JsonLinesSink::Open(const std::string& path,
                                                           const RunContext& context) {
  std::FILE* file = std::fopen(path.c_str(), "w");
  if (file == nullptr) return Status::IOError("open " + path, errno);
  return std::unique_ptr<JsonLinesSink>(new JsonLinesSink(file, path, context));
}

JsonLinesSink::~JsonLinesSink() { std::fclose(file_); }

std::string JsonLinesSink::ToJson(const Measurement& m, const RunContext& context) {
  JsonObjectWriter params;
  for (const auto& [key, value] : m.params) params.Add(key, value);
  JsonObjectWriter machine;
  machine.Add("cpu_model", context.cpu_model);
  machine.Add("cores", context.cores);
  machine.Add("memory_bytes", static_cast<int64_t>(context.memory_bytes));
  machine.Add("kernel", context.kernel);
  machine.Add("filesystem", context.filesystem);
  machine.Add("device", context.device);
  machine.Add("mount_point", context.mount_point);

  JsonObjectWriter line;
  line.Add("suite", m.suite);
  line.Add("name", m.name);
  line.Add("backend", m.backend);
  line.AddRaw("params", params.Finish());
  line.Add("mb_per_s", m.mb_per_s);
  line.Add("records_per_s", m.records_per_s);
  if (m.latency) {
    JsonObjectWriter latency;
    latency.Add("p50_us", m.latency->p50_us);
    latency.Add("p99_us", m.latency->p99_us);
    latency.Add("p999_us", m.latency->p999_us);
    line.AddRaw("latency", latency.Finish());
  } else {
    line.AddRaw("latency", "null");
  }
  line.Add("repetitions", m.repetitions);
  line.Add("baseline_name", m.baseline_name);
  line.Add("baseline_mb_per_s", m.baseline_mb_per_s);
  line.Add("ratio", m.ratio);
  line.Add("git_revision", context.git_revision);
  line.Add("date", context.date);
  line.AddRaw("machine", machine.Finish());
  return line.Finish();
}

void JsonLinesSink::Add(const Measurement& measurement) {
  const std::string line = ToJson(measurement, context_) + "\n";
  const bool ok =
      std::fwrite(line.data(), 1, line.size(), file_) == line.size() && std::fflush(file_) == 0;
  if (!ok && !failed_) {
    LOG(ERROR) << "cannot write " << path_ << "; the results are in the table only";
    failed_ = true;
  }
}

}  // namespace ringlog::bench
