// The topic record: how LogManager keeps a topic's description — its id, partition count
// and config overrides — in the backend's meta store, one blob "topic.<name>" per topic.
//
//   ringlog-topic 2
//   id <topic id>                (Uuid::ToString form)
//   partitions <count>
//   config <name> <value>        (one line per override)
//
// Version 1, written by ringlog before topics had ids, is the same without the id line; it
// decodes with a zero id, and LogManager gives the topic one and writes the record back.
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
#include "engine/uuid.h"

namespace ringlog {

struct TopicInfo {
  std::string name;
  int32_t partitions = 0;
  ConfigMap configs;  // the topic's overrides only
  // Stable for the topic's life, new for a topic re-created under the same name; zero only
  // for a version 1 record just decoded.
  Uuid id{};
};

// Meta store names of topic records start with this.
inline constexpr std::string_view kTopicRecordPrefix = "topic.";

// "topic.<topic>".
std::string TopicRecordName(std::string_view topic);

// Always the current version; `info.id` must not be zero.
std::string EncodeTopicRecord(const TopicInfo& info);

// The topic stored as `record_name` (a name from TopicRecordName) with contents `blob`.
// Corruption, naming the record and what is wrong, when it does not parse, names an
// illegal topic, claims a partition count outside the limits or (version 2) lacks a valid
// id; NotSupported for a record
// version this build does not know. Config values are not judged here: they need the
// broker's defaults (ApplyTopicConfigs).
Result<TopicInfo> DecodeTopicRecord(std::string_view record_name, std::string_view blob);

}  // namespace ringlog
