// The topic record: how LogManager keeps a topic's description — its partition count and
// config overrides — in the backend's meta store, one blob "topic.<name>" per topic.
//
//   ringlog-topic 1
//   partitions <count>
//   config <name> <value>        (one line per override)
//
// Names and values are escaped: '%', space, control bytes and bytes >= 0x7f become %XX
// (two upper-case hex digits), so a value may hold any byte, newlines included.
//
// A record is read back at every start and then drives how many partitions are opened, so
// decoding holds it to the limits every new topic is held to (engine/log/topic_limits.h):
// a record that a request could not have produced is refused, not obeyed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/log/topic_config.h"
#include "engine/status.h"

namespace ringlog {

struct TopicInfo {
  std::string name;
  int32_t partitions = 0;
  ConfigMap configs;  // the topic's overrides only
};

// Meta store names of topic records start with this.
inline constexpr std::string_view kTopicRecordPrefix = "topic.";

// "topic.<topic>".
std::string TopicRecordName(std::string_view topic);

std::string EncodeTopicRecord(const TopicInfo& info);

// The topic stored as `record_name` (a name from TopicRecordName) with contents `blob`.
// Corruption, naming the record and what is wrong, when it does not parse, names an
// illegal topic or claims a partition count outside the limits; NotSupported for a record
// version this build does not know. Config values are not judged here: they need the
// broker's defaults (ApplyTopicConfigs).
Result<TopicInfo> DecodeTopicRecord(std::string_view record_name, std::string_view blob);

}  // namespace ringlog
