// ListOffsets: a partition's earliest offset (-2: the log start; -4, the earliest local
// offset, is the same here, where every segment is local), its latest (-1: the high
// watermark, or for isolation_level 1, read_committed, the last stable offset), the record
// with the largest timestamp (-3, v7+), or the first offset whose record is at least as
// new as a timestamp, below that same end.
//
// Leader epochs (v4+): a current_leader_epoch other than the one this broker leads at is
// fenced as in Fetch (net/apis/leader_epoch_check.h); an answer's leader_epoch is the
// epoch of the batch holding its offset (the latest epoch for the high watermark, which
// no batch holds yet), or the leader epoch when the history does not know the offset.
#include <glog/logging.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/log/log_manager.h"
#include "engine/log/record_batch.h"
#include "net/apis/apis.h"
#include "net/apis/leader_epoch_check.h"
#include "net/apis/partition_route.h"
#include "net/apis/request_context.h"
#include "net/codec/error_code.h"
#include "net/codec/list_offsets_codec.h"

namespace ringlog {
namespace {

struct Found {
  ErrorCode error = ErrorCode::kNone;
  int64_t timestamp = -1;
  int64_t offset = -1;  // -1: no record is that new
};

// The timestamp of the record at `offset`, as a time lookup reports it: the record's own
// in an uncompressed CreateTime batch, the batch's max timestamp otherwise (every record
// of a LogAppendTime batch carries it; a compressed batch is not opened).
int64_t RecordTimestamp(const PartitionLog& log, Offset offset) {
  Result<ReadResult> read = log.Read(offset, 1);
  if (!read.ok() || read->empty()) return -1;
  Result<std::string> bytes = CopyReadBytes(*read);
  if (!bytes.ok()) return -1;
  Result<RecordBatchView> batch = RecordBatchView::Parse(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes->data()), bytes->size()));
  if (!batch.ok()) return -1;
  const BatchHeader& h = batch->header();
  if (h.timestamp_type() == TimestampType::kLogAppendTime ||
      h.compression() != CompressionType::kNone) {
    return h.max_timestamp;
  }
  Result<std::vector<Record>> records = DecodeRecords(*batch);
  if (!records.ok()) return h.max_timestamp;
  for (const Record& r : *records) {
    if (r.offset == offset) return r.timestamp;
  }
  return h.max_timestamp;
}

// Timestamps with a meaning of their own, beside Latest and Earliest.
constexpr int64_t kEarliestLocalTimestamp = -4;

// `readable_end`: where the asker's reads stop, the high watermark or the last stable offset.
Found Lookup(const PartitionLog& log, int64_t timestamp, Offset readable_end) {
  if (timestamp == kListOffsetsLatestTimestamp) return {ErrorCode::kNone, -1, readable_end};
  if (timestamp == kListOffsetsEarliestTimestamp || timestamp == kEarliestLocalTimestamp) {
    return {ErrorCode::kNone, -1, log.log_start_offset()};
  }
  if (timestamp == kListOffsetsMaxTimestamp) {
    // The first record stamped with the log's largest timestamp: the segments know their
    // largest, and the time lookup finds its first record.
    TimestampMs largest = kNoTimestamp;
    for (const SegmentInfo& segment : log.segments()) {
      largest = std::max(largest, segment.max_timestamp);
    }
    if (largest == kNoTimestamp) return {};
    timestamp = largest;
  }
  Result<Offset> offset = log.OffsetForTimestamp(timestamp);
  // Only what the asker may read counts: a record above its end is not found yet.
  if (offset.ok() && *offset >= readable_end) return {};
  if (offset.ok()) return {ErrorCode::kNone, RecordTimestamp(log, *offset), *offset};
  if (offset.status().IsNotFound()) return {};
  LOG(WARNING) << "offset lookup by time in " << log.id().ToString() << ": "
               << offset.status().ToString();
  return {ToErrorCode(offset.status()), -1, -1};
}

// The leader epoch of the batch holding `offset`: the latest epoch of the history that
// starts at or below it; `fallback` when none does.
int32_t EpochOf(const PartitionLog& log, Offset offset, int32_t fallback) {
  int32_t epoch = fallback;
  for (const EpochStart& start : log.leader_epochs()) {
    if (start.start_offset > offset) break;
    epoch = start.epoch;
  }
  return epoch;
}

constexpr int8_t kReadCommitted = 1;

ListOffsetsResponse::Partition ListPartition(RequestContext& ctx, const std::string& topic,
                                             const ListOffsetsRequest::Partition& asked,
                                             int8_t isolation_level) {
  ListOffsetsResponse::Partition answer;
  answer.partition_index = asked.partition_index;
  const PartitionId id{topic, asked.partition_index};
  if (const ErrorCode route = RoutePartition(ctx.services().cluster, id);
      route != ErrorCode::kNone) {
    answer.error_code = ToWire(route);
    return answer;
  }
  std::shared_ptr<PartitionLog> log = ctx.services().logs->GetPartition(id);
  if (log == nullptr) {
    answer.error_code = ToWire(ErrorCode::kUnknownTopicOrPartition);
    return answer;
  }
  const std::optional<int32_t> served = ServedLeaderEpoch(ctx.services(), *log);
  if (const ErrorCode fenced = CheckLeaderEpoch(asked.current_leader_epoch, served);
      fenced != ErrorCode::kNone) {
    answer.error_code = ToWire(fenced);
    return answer;
  }
  const Offset readable_end =
      isolation_level == kReadCommitted ? log->last_stable_offset() : log->high_watermark();
  const Found found = Lookup(*log, asked.timestamp, readable_end);
  answer.error_code = ToWire(found.error);
  answer.timestamp = found.timestamp;
  answer.offset = found.offset;
  if (found.offset >= 0) {
    const int32_t leader_epoch = served.value_or(log->leader_epoch());
    answer.leader_epoch = asked.timestamp == kListOffsetsLatestTimestamp
                              ? std::max(log->latest_epoch(), leader_epoch)
                              : EpochOf(*log, found.offset, leader_epoch);
  }
  if (ctx.version() == 0 && found.error == ErrorCode::kNone && asked.max_num_offsets > 0) {
    // Version 0 lists "offsets before the time": when no record is that new, every
    // record is older, so the answer is the end of the log.
    answer.old_style_offsets.push_back(found.offset >= 0 ? found.offset : readable_end);
  }
  return answer;
}

void HandleListOffsets(RequestContext& ctx) {
  WireReader reader = ctx.BodyReader();
  Result<ListOffsetsRequest> request = DecodeListOffsetsRequest(reader, ctx.version());
  if (!request.ok()) {
    ctx.responder().Close("bad ListOffsets request: " + request.status().ToString());
    return;
  }
  ListOffsetsResponse response;
  for (const ListOffsetsRequest::Topic& topic : request->topics) {
    ListOffsetsResponse::Topic& answer = response.topics.emplace_back();
    answer.name = topic.name;
    for (const ListOffsetsRequest::Partition& p : topic.partitions) {
      answer.partitions.push_back(ListPartition(ctx, topic.name, p, request->isolation_level));
    }
  }
  ctx.responder().Answer(response, ctx.version(), EncodeListOffsetsResponse);
}

}  // namespace

const ApiSpec kListOffsetsApi = {ApiKey::kListOffsets, kListOffsetsMinVersion,
                                 kListOffsetsMaxVersion, kListOffsetsFirstFlexibleVersion,
                                 &HandleListOffsets};

}  // namespace ringlog
