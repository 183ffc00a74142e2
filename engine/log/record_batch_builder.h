// Builds RecordBatch v2 bytes, compressed when the attributes name a codec. The broker
// writes its own batches with it (internal topics such as committed offsets, never
// compressed); tests and the load generator use it to play the producer.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/log/compression/compressor.h"
#include "engine/types.h"

namespace ringlog {

struct RecordHeaderData {
  std::string key;
  std::optional<std::string> value;
};

struct RecordData {
  std::optional<std::string> key;    // nullopt: null key
  std::optional<std::string> value;  // nullopt: null value
  TimestampMs timestamp = 0;
  std::vector<RecordHeaderData> headers;
};

struct BatchOptions {
  Offset base_offset = 0;
  int32_t partition_leader_epoch = -1;
  int16_t attributes = 0;  // codec bits (0-4): the records are compressed with it
  SnappyFraming snappy_framing = SnappyFraming::kXerial;
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
  int32_t base_sequence = -1;
};

// One batch holding `records` (at least one), offsets base_offset.., with a valid CRC.
std::string BuildRecordBatch(const std::vector<RecordData>& records,
                             const BatchOptions& options = {});

// Appends batches without building intermediate records: `count` records whose values are
// `value` and keys null, all stamped `timestamp`. For load generators, where building
// must cost far less than what it measures.
std::string BuildUniformBatch(int count, std::string_view value, TimestampMs timestamp,
                              const BatchOptions& options = {});

}  // namespace ringlog
