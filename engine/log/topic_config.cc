#include "engine/log/topic_config.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <utility>

#include "engine/log/format.h"

namespace ringlog {
namespace {

constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();
constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();

Status BadValue(std::string_view name, std::string_view value, std::string_view why) {
  std::string msg = "invalid value '";
  msg.append(value).append("' for config ").append(name).append(": ").append(why);
  return Status::InvalidArgument(msg);
}

std::string_view Trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

// A decimal integer in [min, max], with the leniency of Kafka's (Java's) parser:
// surrounding blanks and a leading '+' are accepted.
Result<int64_t> ParseNumber(std::string_view name, std::string_view value, int64_t min,
                            int64_t max) {
  std::string_view digits = Trim(value);
  if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
  int64_t n = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (digits.empty() || ec == std::errc::invalid_argument || end != digits.data() + digits.size()) {
    return BadValue(name, value, "not a number");
  }
  if (ec == std::errc::result_out_of_range || n < min || n > max) {
    return BadValue(name, value,
                    "must be in [" + std::to_string(min) + ", " + std::to_string(max) + "]");
  }
  return n;
}

// Setters and printers for one field of LogOptions, bound at compile time so that the
// config table below is plain data.
template <auto Field>
using FieldType = std::remove_cvref_t<decltype(std::declval<LogOptions&>().*Field)>;

template <auto Field, int64_t Min, int64_t Max>
Status SetNumber(std::string_view name, std::string_view value, LogOptions* options) {
  ASSIGN_OR_RETURN(int64_t n, ParseNumber(name, value, Min, Max));
  options->*Field = static_cast<FieldType<Field>>(n);
  return Status::OK();
}

template <auto Field>
std::string PrintNumber(const LogOptions& options) {
  return std::to_string(options.*Field);
}

Status SetTimestampType(std::string_view name, std::string_view value, LogOptions* options) {
  const std::string_view v = Trim(value);
  if (v == "CreateTime") {
    options->timestamp_type = TimestampType::kCreateTime;
  } else if (v == "LogAppendTime") {
    options->timestamp_type = TimestampType::kLogAppendTime;
  } else {
    return BadValue(name, value, "expected CreateTime or LogAppendTime");
  }
  return Status::OK();
}

std::string PrintTimestampType(const LogOptions& options) {
  return options.timestamp_type == TimestampType::kLogAppendTime ? "LogAppendTime" : "CreateTime";
}

// A comma-separated list, as Kafka takes it; "delete" is the only policy ringlog runs.
Status SetCleanupPolicy(std::string_view name, std::string_view value, LogOptions*) {
  std::string_view rest = value;
  bool any = false;
  while (true) {
    const size_t comma = rest.find(',');
    const std::string_view item = Trim(rest.substr(0, comma));
    if (item == "compact") {
      return BadValue(name, value, "log compaction is not supported; use \"delete\"");
    }
    if (item != "delete") return BadValue(name, value, "expected \"delete\"");
    any = true;
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return any ? Status::OK() : BadValue(name, value, "expected \"delete\"");
}

std::string PrintCleanupPolicy(const LogOptions&) { return "delete"; }

struct ConfigSpec {
  std::string_view name;
  Status (*set)(std::string_view name, std::string_view value, LogOptions* options);
  std::string (*print)(const LogOptions& options);
};

// Sorted by name. Ranges are Kafka's, tightened where the engine needs it: sizes are Java
// ints there, and here a segment or a message must hold a batch header and an index
// interval must be positive.
constexpr int64_t kMinBatch = static_cast<int64_t>(kBatchHeaderSize);
constexpr ConfigSpec kConfigs[] = {
    {"cleanup.policy", &SetCleanupPolicy, &PrintCleanupPolicy},
    {"flush.messages", &SetNumber<&LogOptions::flush_interval_messages, 1, kInt64Max>,
     &PrintNumber<&LogOptions::flush_interval_messages>},
    {"flush.ms", &SetNumber<&LogOptions::flush_interval_ms, 0, kInt64Max>,
     &PrintNumber<&LogOptions::flush_interval_ms>},
    {"index.interval.bytes", &SetNumber<&LogOptions::index_interval_bytes, 1, kInt32Max>,
     &PrintNumber<&LogOptions::index_interval_bytes>},
    {"max.message.bytes", &SetNumber<&LogOptions::max_message_bytes, kMinBatch, kInt32Max>,
     &PrintNumber<&LogOptions::max_message_bytes>},
    {"message.timestamp.type", &SetTimestampType, &PrintTimestampType},
    {"retention.bytes", &SetNumber<&LogOptions::retention_bytes, -1, kInt64Max>,
     &PrintNumber<&LogOptions::retention_bytes>},
    {"retention.ms", &SetNumber<&LogOptions::retention_ms, -1, kInt64Max>,
     &PrintNumber<&LogOptions::retention_ms>},
    {"segment.bytes", &SetNumber<&LogOptions::segment_bytes, kMinBatch, kInt32Max>,
     &PrintNumber<&LogOptions::segment_bytes>},
    {"segment.ms", &SetNumber<&LogOptions::segment_ms, 1, kInt64Max>,
     &PrintNumber<&LogOptions::segment_ms>},
};

const ConfigSpec* FindConfig(std::string_view name) {
  for (const ConfigSpec& spec : kConfigs) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

}  // namespace

Result<LogOptions> ApplyTopicConfigs(const LogOptions& defaults, const ConfigMap& overrides) {
  LogOptions options = defaults;
  for (const auto& [name, value] : overrides) {
    const ConfigSpec* spec = FindConfig(name);
    if (spec == nullptr) return Status::InvalidArgument("unknown topic config " + name);
    RETURN_IF_ERROR(spec->set(name, value, &options));
  }
  RETURN_IF_ERROR(options.Validate());
  return options;
}

std::vector<ConfigEntry> DescribeTopicConfigs(const LogOptions& defaults,
                                              const ConfigMap& overrides) {
  std::vector<ConfigEntry> entries;
  entries.reserve(std::size(kConfigs));
  for (const ConfigSpec& spec : kConfigs) {
    LogOptions effective = defaults;
    bool is_default = true;
    // An override that does not parse is described as absent; ApplyTopicConfigs is where
    // it is reported. A failed set leaves `effective` untouched.
    if (auto it = overrides.find(std::string(spec.name)); it != overrides.end()) {
      is_default = !spec.set(spec.name, it->second, &effective).ok();
    }
    entries.push_back({std::string(spec.name), spec.print(effective), is_default, false});
  }
  return entries;
}

}  // namespace ringlog
