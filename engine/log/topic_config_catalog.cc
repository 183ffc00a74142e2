#include "engine/log/topic_config_catalog.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <limits>
#include <optional>
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
// catalog below is plain data.
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

// A number in [Min, Max] for a config ringlog does not act on.
template <int64_t Min, int64_t Max>
Status CheckNumber(std::string_view name, std::string_view value, LogOptions*) {
  return ParseNumber(name, value, Min, Max).status();
}

// Java's Boolean parsing as Kafka's ConfigDef does it: true or false, any case.
Status CheckBoolean(std::string_view name, std::string_view value, LogOptions*) {
  std::string lower(Trim(value));
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "true" || lower == "false") return Status::OK();
  return BadValue(name, value, "expected true or false");
}

// A ratio in [0, 1] (min.cleanable.dirty.ratio).
Status CheckRatio(std::string_view name, std::string_view value, LogOptions*) {
  const std::string_view text = Trim(value);
  double ratio = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), ratio);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return BadValue(name, value, "not a number");
  }
  if (!(ratio >= 0 && ratio <= 1)) return BadValue(name, value, "must be in [0, 1]");
  return Status::OK();
}

// Kafka's gzip levels: -1 (the library's default) or 1-9.
Status CheckGzipLevel(std::string_view name, std::string_view value, LogOptions*) {
  ASSIGN_OR_RETURN(int64_t level, ParseNumber(name, value, -1, 9));
  if (level == 0) return BadValue(name, value, "must be -1 or in [1, 9]");
  return Status::OK();
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
  for (const std::string_view item : SplitConfigList(value)) {
    if (item == "compact") {
      return BadValue(name, value, "log compaction is not supported; use \"delete\"");
    }
    if (item != "delete") return BadValue(name, value, "expected \"delete\"");
  }
  return Status::OK();
}

std::string PrintCleanupPolicy(const LogOptions&) { return "delete"; }

// Kafka's names: "producer" keeps the producer's codec, "uncompressed" stores none.
Status SetCompression(std::string_view name, std::string_view value, LogOptions* options) {
  const std::string_view v = Trim(value);
  std::optional<CompressionType> codec;
  if (v == "uncompressed") {
    codec = CompressionType::kNone;
  } else if (v == "gzip") {
    codec = CompressionType::kGzip;
  } else if (v == "snappy") {
    codec = CompressionType::kSnappy;
  } else if (v == "lz4") {
    codec = CompressionType::kLz4;
  } else if (v == "zstd") {
    codec = CompressionType::kZstd;
  } else if (v != "producer") {
    return BadValue(name, value, "expected one of uncompressed, zstd, lz4, snappy, gzip, producer");
  }
  options->compression = codec;
  return Status::OK();
}

std::string PrintCompression(const LogOptions& options) {
  if (!options.compression) return "producer";
  if (*options.compression == CompressionType::kNone) return "uncompressed";
  return std::string(CompressionName(*options.compression));
}

// The replicas whose replication is throttled: empty, "*", or partition:broker pairs.
Status CheckThrottledReplicas(std::string_view name, std::string_view value, LogOptions*) {
  const std::string_view all = Trim(value);
  if (all.empty() || all == "*") return Status::OK();
  const auto digits = [](std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
  };
  for (const std::string_view item : SplitConfigList(all)) {
    const size_t colon = item.find(':');
    if (colon == std::string_view::npos || !digits(Trim(item.substr(0, colon))) ||
        !digits(Trim(item.substr(colon + 1)))) {
      return BadValue(name, value, "expected \"*\" or a list of partition:broker pairs");
    }
  }
  return Status::OK();
}

// A Kafka release or metadata version as message.format.version takes them: 0.10.2,
// 2.8, 3.0-IV1, ... Since Kafka 3.0 the value is ignored for record batches v2, as here.
Status CheckFormatVersion(std::string_view name, std::string_view value, LogOptions*) {
  std::string_view v = Trim(value);
  if (const size_t iv = v.find("-IV"); iv != std::string_view::npos) {
    const std::string_view suffix = v.substr(iv + 3);
    if (suffix.empty() || !std::all_of(suffix.begin(), suffix.end(),
                                       [](unsigned char c) { return std::isdigit(c); })) {
      return BadValue(name, value, "not a Kafka version");
    }
    v = v.substr(0, iv);
  }
  int parts = 0;
  while (true) {
    const size_t dot = v.find('.');
    const std::string_view part = v.substr(0, dot);
    if (part.empty() || part.size() > 3 ||
        !std::all_of(part.begin(), part.end(), [](unsigned char c) { return std::isdigit(c); })) {
      return BadValue(name, value, "not a Kafka version");
    }
    ++parts;
    if (dot == std::string_view::npos) break;
    v.remove_prefix(dot + 1);
  }
  if (parts < 2 || parts > 3) return BadValue(name, value, "not a Kafka version");
  return Status::OK();
}

using Type = TopicConfigType;

// Sizes are Java ints in Kafka; here a segment or a message must also hold a batch
// header, and an index interval must be positive.
constexpr int64_t kMinBatch = static_cast<int64_t>(kBatchHeaderSize);
constexpr std::string_view kLongMax = "9223372036854775807";

// Sorted by name. Ranges and defaults are Kafka 3.x's.
constexpr TopicConfigSpec kCatalog[] = {
    {"cleanup.policy", Type::kList, "delete", "log.cleanup.policy", &SetCleanupPolicy,
     &PrintCleanupPolicy, "How old segments go: \"delete\" (ringlog has no compaction)."},
    {"compression.gzip.level", Type::kInt, "-1", "compression.gzip.level", &CheckGzipLevel, nullptr,
     "gzip level when compression.type is gzip (not honoured: the library's default)."},
    {"compression.lz4.level", Type::kInt, "9", "compression.lz4.level", &CheckNumber<1, 17>,
     nullptr, "lz4 level when compression.type is lz4 (not honoured: the library's default)."},
    {"compression.type", Type::kString, "producer", "compression.type", &SetCompression,
     &PrintCompression, "The codec batches are stored with; producer keeps the producer's."},
    {"compression.zstd.level", Type::kInt, "3", "compression.zstd.level", &CheckNumber<-131072, 22>,
     nullptr, "zstd level when compression.type is zstd (not honoured: the library's default)."},
    {"delete.retention.ms", Type::kLong, "86400000", "log.cleaner.delete.retention.ms",
     &CheckNumber<0, kInt64Max>, nullptr, "How long tombstones stay (no effect: no compaction)."},
    {"file.delete.delay.ms", Type::kLong, "60000", "log.segment.delete.delay.ms",
     &CheckNumber<0, kInt64Max>, nullptr,
     "Delay before a deleted segment's files go (no effect: ringlog deletes at once)."},
    {"flush.messages", Type::kLong, kLongMax, "log.flush.interval.messages",
     &SetNumber<&LogOptions::flush_interval_messages, 1, kInt64Max>,
     &PrintNumber<&LogOptions::flush_interval_messages>, "Flush after this many messages."},
    {"flush.ms", Type::kLong, kLongMax, "log.flush.interval.ms",
     &SetNumber<&LogOptions::flush_interval_ms, 0, kInt64Max>,
     &PrintNumber<&LogOptions::flush_interval_ms>,
     "Flush when the oldest unflushed message is this old."},
    {"follower.replication.throttled.replicas", Type::kList, "",
     "follower.replication.throttled.replicas", &CheckThrottledReplicas, nullptr,
     "Replicas throttled on the follower side (no effect: one node)."},
    {"index.interval.bytes", Type::kInt, "4096", "log.index.interval.bytes",
     &SetNumber<&LogOptions::index_interval_bytes, 1, kInt32Max>,
     &PrintNumber<&LogOptions::index_interval_bytes>, "Bytes between two offset index entries."},
    {"leader.replication.throttled.replicas", Type::kList, "",
     "leader.replication.throttled.replicas", &CheckThrottledReplicas, nullptr,
     "Replicas throttled on the leader side (no effect: one node)."},
    {"local.retention.bytes", Type::kLong, "-2", "log.local.retention.bytes",
     &CheckNumber<-2, kInt64Max>, nullptr,
     "Local bytes kept with tiered storage (no effect: no tiered storage)."},
    {"local.retention.ms", Type::kLong, "-2", "log.local.retention.ms", &CheckNumber<-2, kInt64Max>,
     nullptr, "Local time kept with tiered storage (no effect: no tiered storage)."},
    {"max.compaction.lag.ms", Type::kLong, kLongMax, "log.cleaner.max.compaction.lag.ms",
     &CheckNumber<1, kInt64Max>, nullptr, "Longest a message waits for compaction (no effect)."},
    {"max.message.bytes", Type::kInt, "1048588", "message.max.bytes",
     &SetNumber<&LogOptions::max_message_bytes, kMinBatch, kInt32Max>,
     &PrintNumber<&LogOptions::max_message_bytes>, "Largest record batch accepted, in bytes."},
    {"message.downconversion.enable", Type::kBoolean, "true", "log.message.downconversion.enable",
     &CheckBoolean, nullptr,
     "Whether old fetchers get converted batches (no effect: ringlog never converts)."},
    {"message.format.version", Type::kString, "3.0-IV1", "log.message.format.version",
     &CheckFormatVersion, nullptr,
     "Record format for old clients (no effect: batches are always v2)."},
    {"message.timestamp.after.max.ms", Type::kLong, kLongMax, "log.message.timestamp.after.max.ms",
     &CheckNumber<0, kInt64Max>, nullptr,
     "How far ahead of the broker's clock a timestamp may be (not enforced)."},
    {"message.timestamp.before.max.ms", Type::kLong, kLongMax,
     "log.message.timestamp.before.max.ms", &CheckNumber<0, kInt64Max>, nullptr,
     "How far behind the broker's clock a timestamp may be (not enforced)."},
    {"message.timestamp.difference.max.ms", Type::kLong, kLongMax,
     "log.message.timestamp.difference.max.ms", &CheckNumber<0, kInt64Max>, nullptr,
     "How far from the broker's clock a timestamp may be (not enforced)."},
    {"message.timestamp.type", Type::kString, "CreateTime", "log.message.timestamp.type",
     &SetTimestampType, &PrintTimestampType,
     "CreateTime keeps producer times; LogAppendTime stamps."},
    {"min.cleanable.dirty.ratio", Type::kDouble, "0.5", "log.cleaner.min.cleanable.ratio",
     &CheckRatio, nullptr, "Dirty share that triggers compaction (no effect)."},
    {"min.compaction.lag.ms", Type::kLong, "0", "log.cleaner.min.compaction.lag.ms",
     &CheckNumber<0, kInt64Max>, nullptr, "Shortest a message waits for compaction (no effect)."},
    {"min.insync.replicas", Type::kInt, "1", "min.insync.replicas",
     &SetNumber<&LogOptions::min_insync_replicas, 1, kInt32Max>,
     &PrintNumber<&LogOptions::min_insync_replicas>,
     "In-sync replicas an acks=all produce needs (a cluster's; a single broker has one)."},
    {"preallocate", Type::kBoolean, "false", "log.preallocate", &CheckBoolean, nullptr,
     "Whether segment files are preallocated (no effect)."},
    {"remote.log.copy.disable", Type::kBoolean, "false", "", &CheckBoolean, nullptr,
     "Stops copying to tiered storage (no effect: no tiered storage)."},
    {"remote.log.delete.on.disable", Type::kBoolean, "false", "", &CheckBoolean, nullptr,
     "Deletes tiered data when tiering is disabled (no effect: no tiered storage)."},
    {"remote.storage.enable", Type::kBoolean, "false", "", &CheckBoolean, nullptr,
     "Tiered storage for the topic (no effect: no tiered storage)."},
    {"retention.bytes", Type::kLong, "-1", "log.retention.bytes",
     &SetNumber<&LogOptions::retention_bytes, -1, kInt64Max>,
     &PrintNumber<&LogOptions::retention_bytes>, "Largest a partition grows; -1: no limit."},
    {"retention.ms", Type::kLong, "604800000", "log.retention.ms",
     &SetNumber<&LogOptions::retention_ms, -1, kInt64Max>, &PrintNumber<&LogOptions::retention_ms>,
     "How long batches are kept; -1: forever."},
    {"segment.bytes", Type::kInt, "1073741824", "log.segment.bytes",
     &SetNumber<&LogOptions::segment_bytes, kMinBatch, kInt32Max>,
     &PrintNumber<&LogOptions::segment_bytes>, "Size at which a segment is rolled."},
    {"segment.index.bytes", Type::kInt, "10485760", "log.index.size.max.bytes",
     &CheckNumber<4, kInt32Max>, nullptr, "Size of a segment's index files (no effect)."},
    {"segment.jitter.ms", Type::kLong, "0", "log.roll.jitter.ms", &CheckNumber<0, kInt64Max>,
     nullptr, "Random jitter on segment.ms (not applied)."},
    {"segment.ms", Type::kLong, "604800000", "log.roll.ms",
     &SetNumber<&LogOptions::segment_ms, 1, kInt64Max>, &PrintNumber<&LogOptions::segment_ms>,
     "Age at which a segment is rolled."},
    {"unclean.leader.election.enable", Type::kBoolean, "false", "unclean.leader.election.enable",
     &CheckBoolean, nullptr,
     "Whether a replica out of the ISR may lead when no ISR member is live (cluster mode)."},
};

}  // namespace

std::span<const TopicConfigSpec> TopicConfigCatalog() { return kCatalog; }

const TopicConfigSpec* FindTopicConfig(std::string_view name) {
  for (const TopicConfigSpec& spec : kCatalog) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

std::vector<std::string_view> SplitConfigList(std::string_view value) {
  std::vector<std::string_view> items;
  while (true) {
    const size_t comma = value.find(',');
    items.push_back(Trim(value.substr(0, comma)));
    if (comma == std::string_view::npos) return items;
    value.remove_prefix(comma + 1);
  }
}

}  // namespace ringlog
