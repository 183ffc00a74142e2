#include "engine/log/topic_record.h"

#include <glog/logging.h>

#include <charconv>
#include <optional>
#include <utility>

#include "engine/log/topic_limits.h"

namespace ringlog {
namespace {

constexpr std::string_view kMagic = "ringlog-topic";
constexpr std::string_view kVersion = "2";
// Records from before topic ids: no id line.
constexpr std::string_view kVersionWithoutId = "1";

std::string Escape(std::string_view raw) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : raw) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7f || c == '%') {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    } else {
      out += c;
    }
  }
  return out;
}

Result<std::string> Unescape(std::string_view escaped) {
  std::string out;
  for (size_t i = 0; i < escaped.size(); ++i) {
    if (escaped[i] != '%') {
      out += escaped[i];
      continue;
    }
    unsigned byte = 0;
    const char* first = escaped.data() + i + 1;
    if (i + 2 >= escaped.size() || std::from_chars(first, first + 2, byte, 16).ptr != first + 2) {
      return Status::Corruption("bad escape in '" + std::string(escaped) + "'");
    }
    out += static_cast<char>(byte);
    i += 2;
  }
  return out;
}

// The count on a "partitions" line, held to the same limits as a CreateTopics request.
Result<int32_t> ParsePartitionCount(std::string_view text) {
  int64_t count = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), count);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return Status::Corruption("bad partition count '" + std::string(text) + "'");
  }
  if (count < 1 || count > kMaxPartitionsPerTopic) {
    return Status::Corruption("partition count " + std::string(text) +
                              " is outside the limits of a topic, [1, " +
                              std::to_string(kMaxPartitionsPerTopic) + "]");
  }
  return static_cast<int32_t>(count);
}

Result<Uuid> ParseId(std::string_view text) {
  std::optional<Uuid> id = Uuid::Parse(text);
  if (!id.has_value() || id->IsZero()) {
    return Status::Corruption("bad topic id '" + std::string(text) + "'");
  }
  return *id;
}

// Fills info->id, info->partitions and info->configs from the lines of `blob`.
Status DecodeLines(std::string_view blob, TopicInfo* info) {
  bool first_line = true;
  bool want_id = false;
  bool have_partitions = false;
  while (!blob.empty()) {
    const size_t eol = blob.find('\n');
    if (eol == std::string_view::npos) return Status::Corruption("unterminated last line");
    const std::string_view line = blob.substr(0, eol);
    blob.remove_prefix(eol + 1);
    const size_t space = line.find(' ');
    const std::string_view key = line.substr(0, space);
    const std::string_view rest = space == std::string_view::npos ? "" : line.substr(space + 1);
    if (first_line) {
      if (key != kMagic) return Status::Corruption("not a topic record");
      if (rest != kVersion && rest != kVersionWithoutId) {
        return Status::NotSupported("topic record version " + std::string(rest));
      }
      want_id = rest == kVersion;
      first_line = false;
    } else if (key == "id" && want_id && info->id.IsZero()) {
      ASSIGN_OR_RETURN(info->id, ParseId(rest));
    } else if (key == "partitions") {
      ASSIGN_OR_RETURN(info->partitions, ParsePartitionCount(rest));
      have_partitions = true;
    } else if (key == "config") {
      const size_t sep = rest.find(' ');
      if (sep == std::string_view::npos) return Status::Corruption("config line without value");
      ASSIGN_OR_RETURN(std::string name, Unescape(rest.substr(0, sep)));
      ASSIGN_OR_RETURN(std::string value, Unescape(rest.substr(sep + 1)));
      info->configs.insert_or_assign(std::move(name), std::move(value));
    } else {
      return Status::Corruption("unknown line '" + std::string(key) + "'");
    }
  }
  if (!have_partitions) return Status::Corruption("no partition count");
  if (want_id && info->id.IsZero()) return Status::Corruption("no topic id");
  return Status::OK();
}

}  // namespace

std::string TopicRecordName(std::string_view topic) {
  return std::string(kTopicRecordPrefix) + std::string(topic);
}

std::string EncodeTopicRecord(const TopicInfo& info) {
  CHECK(!info.id.IsZero()) << "topic " << info.name << " has no id";
  std::string out = std::string(kMagic) + " " + std::string(kVersion) + "\n";
  out += "id " + info.id.ToString() + "\n";
  out += "partitions " + std::to_string(info.partitions) + "\n";
  for (const auto& [name, value] : info.configs) {
    out += "config " + Escape(name) + " " + Escape(value) + "\n";
  }
  return out;
}

Result<TopicInfo> DecodeTopicRecord(std::string_view record_name, std::string_view blob) {
  const std::string context = "topic record " + std::string(record_name);
  if (!record_name.starts_with(kTopicRecordPrefix)) {
    return Status::Corruption(context + ": not a topic record name");
  }
  TopicInfo info;
  info.name = std::string(record_name.substr(kTopicRecordPrefix.size()));
  if (Status name = ValidateTopicName(info.name); !name.ok()) {
    return Status::Corruption(context + ": " + name.message());
  }
  RETURN_IF_ERROR(DecodeLines(blob, &info).WithContext(context));
  return info;
}

}  // namespace ringlog
