// LogOptions: how one partition's log behaves. The defaults here are the broker's
// defaults and match Kafka's; per-topic configs (engine/log/topic_config.h) override them.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>

#include "engine/log/record_batch.h"
#include "engine/status.h"

namespace ringlog {

inline constexpr int64_t kNever = std::numeric_limits<int64_t>::max();

struct LogOptions {
  // segment.bytes: roll the active segment before it would grow past this.
  uint64_t segment_bytes = 1ull << 30;
  // segment.ms: roll the active segment once it is this old (by the clock).
  int64_t segment_ms = 7ll * 24 * 3600 * 1000;
  // retention.ms: delete segments whose newest batch is older than this; -1 keeps forever.
  int64_t retention_ms = 7ll * 24 * 3600 * 1000;
  // retention.bytes: delete oldest segments while the log is larger than this; -1: no limit.
  int64_t retention_bytes = -1;
  // index.interval.bytes: bytes between two offset index entries.
  uint32_t index_interval_bytes = 4096;
  // max.message.bytes: largest batch accepted, in bytes (Kafka's default).
  uint32_t max_message_bytes = 1048588;
  // message.timestamp.type: CreateTime keeps producer timestamps; LogAppendTime stamps.
  TimestampType timestamp_type = TimestampType::kCreateTime;
  // flush.messages: flush after this many appended messages (records); kNever: never.
  int64_t flush_interval_messages = kNever;
  // flush.ms: flush when the oldest unflushed append is this old; kNever: never.
  int64_t flush_interval_ms = kNever;
  // compression.type: the codec batches are stored with, recompressed on append when the
  // producer used another; nullopt ("producer") stores them as they come, kNone
  // ("uncompressed") decompresses them.
  std::optional<CompressionType> compression;
  // producer.id.expiration.ms (a broker config in Kafka): a producer whose last batch is
  // older than this, by its max timestamp, is forgotten; its next batch must start over.
  int64_t producer_id_expiration_ms = 24ll * 3600 * 1000;
  // min.insync.replicas: an acks=all produce needs at least this many in-sync replicas.
  int32_t min_insync_replicas = 1;
  // Not a topic config: set by a cluster broker for all its logs. A replicated log's high
  // watermark is moved by replication, not by its writes (PartitionLog::AdvanceHighWatermark).
  bool replicated = false;

  // InvalidArgument naming the first nonsensical field (zero or negative sizes, a segment
  // too small for one batch header, ...).
  Status Validate() const;
};

}  // namespace ringlog
