#include "net/apis/fetch_reader.h"

#include <glog/logging.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <limits>
#include <memory>
#include <span>
#include <string>

#include "engine/log/record_batch.h"
#include "net/apis/partition_route.h"

namespace ringlog {
namespace {

constexpr int16_t kFirstBatchFetchVersion = 4;  // magic 2 from Fetch v4
constexpr int16_t kFirstZstdFetchVersion = 10;
constexpr int16_t kFirstTopicIdFetchVersion = 13;
constexpr int8_t kReadCommitted = 1;

// The header of the batch at byte `pos` of `records`.
Result<BatchHeader> HeaderAt(const ReadResult& records, uint64_t pos) {
  if (const auto* bytes = std::get_if<std::string>(&records.data)) {
    auto all =
        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes->data()), bytes->size());
    return DecodeBatchHeader(all.subspan(pos));
  }
  const FileSlice& slice = std::get<FileSlice>(records.data);
  std::array<uint8_t, kBatchHeaderSize> header;
  const size_t want = static_cast<size_t>(std::min<uint64_t>(header.size(), slice.length - pos));
  const ssize_t got =
      pread(slice.fd, header.data(), want, static_cast<off_t>(slice.position + pos));
  if (got < 0) return Status::IOError("reading a batch header", errno);
  return DecodeBatchHeader(std::span<const uint8_t>(header.data(), static_cast<size_t>(got)));
}

// How many leading bytes of `records` hold no zstd batch.
Result<uint64_t> BytesBeforeZstd(const ReadResult& records) {
  const uint64_t size = records.size_bytes();
  uint64_t pos = 0;
  while (pos < size) {
    ASSIGN_OR_RETURN(BatchHeader header, HeaderAt(records, pos));
    if (header.compression() == CompressionType::kZstd) return pos;
    pos += header.size_bytes();
  }
  return size;
}

void Truncate(ReadResult& records, uint64_t size) {
  if (auto* bytes = std::get_if<std::string>(&records.data)) {
    bytes->resize(size);
  } else {
    std::get<FileSlice>(records.data).length = size;
  }
}

// Whether `records` can go to a client fetching at `version`; trims what cannot.
ErrorCode FitToVersion(ReadResult& records, int16_t version) {
  if (records.empty()) return ErrorCode::kNone;
  if (version < kFirstBatchFetchVersion) return ErrorCode::kUnsupportedVersion;
  if (version >= kFirstZstdFetchVersion) return ErrorCode::kNone;
  Result<uint64_t> usable = BytesBeforeZstd(records);
  if (!usable.ok()) {
    LOG(ERROR) << "scanning fetched batches: " << usable.status().ToString();
    return ToErrorCode(usable.status());
  }
  if (*usable == 0) return ErrorCode::kUnsupportedCompressionType;
  Truncate(records, *usable);
  return ErrorCode::kNone;
}

class PassBuilder {
 public:
  PassBuilder(const LogManager& logs, const ClusterView* cluster, const FetchRequest& request,
              int16_t version)
      : logs_(logs),
        cluster_(cluster),
        request_(request),
        version_(version),
        budget_(static_cast<uint64_t>(std::max(request.max_bytes, 0))) {}

  FetchPass Build() {
    for (const FetchRequest::Topic& topic : request_.topics) {
      FetchResponse::Topic& answer = pass_.response.topics.emplace_back();
      answer.topic = topic.topic;
      answer.topic_id = topic.topic_id;
      // From v13 a topic comes by id, named by NameTopicsById; no name: an unknown id.
      const bool unknown_id = version_ >= kFirstTopicIdFetchVersion && topic.topic.empty();
      for (const FetchRequest::Partition& p : topic.partitions) {
        if (unknown_id) {
          FetchResponse::Partition& missing = answer.partitions.emplace_back();
          missing.partition_index = p.partition;
          missing.error_code = ToWire(ErrorCode::kUnknownTopicId);
          pass_.has_error = true;
          continue;
        }
        answer.partitions.push_back(ReadPartition(topic.topic, p));
        pass_.has_error |= answer.partitions.back().error_code != ToWire(ErrorCode::kNone);
      }
    }
    return std::move(pass_);
  }

 private:
  FetchResponse::Partition ReadPartition(const std::string& topic,
                                         const FetchRequest::Partition& asked) {
    FetchResponse::Partition answer;
    answer.partition_index = asked.partition;
    const PartitionId id{topic, asked.partition};
    if (const ErrorCode route = RoutePartition(cluster_, id); route != ErrorCode::kNone) {
      answer.error_code = ToWire(route);
      return answer;
    }
    std::shared_ptr<PartitionLog> log = logs_.GetPartition(id);
    if (log == nullptr) {
      answer.error_code = ToWire(ErrorCode::kUnknownTopicOrPartition);
      return answer;
    }
    if (request_.isolation_level == kReadCommitted) answer.aborted_transactions.emplace();
    Result<ReadResult> read = ReadRecords(*log, asked);
    // The watermarks are read after the records, so the records never run past them.
    answer.high_watermark = log->high_watermark();
    // No transaction is ever open: the last stable offset is the high watermark.
    answer.last_stable_offset = answer.high_watermark;
    answer.log_start_offset = log->log_start_offset();
    if (!read.ok()) {
      if (!read.status().IsOutOfRange()) {
        LOG(ERROR) << "fetch from " << log->id().ToString() << ": " << read.status().ToString();
      }
      answer.error_code = ToWire(ToErrorCode(read.status()));
      return answer;
    }
    answer.error_code = ToWire(FitToVersion(*read, version_));
    if (answer.error_code != ToWire(ErrorCode::kNone)) return answer;
    pass_.record_bytes += read->size_bytes();
    answer.records = std::move(*read);
    return answer;
  }

  // The partition's batches from the fetch offset that fit what is left of the limits;
  // empty when none does.
  Result<ReadResult> ReadRecords(const PartitionLog& log, const FetchRequest::Partition& asked) {
    const bool first = pass_.record_bytes == 0;
    const uint64_t left = budget_ > pass_.record_bytes ? budget_ - pass_.record_bytes : 0;
    if (!first && left == 0) return ReadResult{};
    const uint64_t limit =
        std::min<uint64_t>(left, static_cast<uint64_t>(std::max(asked.partition_max_bytes, 0)));
    ASSIGN_OR_RETURN(ReadResult read, log.Read(asked.fetch_offset, static_cast<size_t>(limit)));
    // Only the response's first batch may exceed the limits.
    if (!first && read.size_bytes() > limit) return ReadResult{};
    return read;
  }

  const LogManager& logs_;
  const ClusterView* const cluster_;
  const FetchRequest& request_;
  const int16_t version_;
  const uint64_t budget_;
  FetchPass pass_;
};

}  // namespace

void NameTopicsById(const LogManager& logs, FetchRequest& request, int16_t version) {
  if (version < kFirstTopicIdFetchVersion) return;
  for (FetchRequest::Topic& topic : request.topics) {
    topic.topic = logs.TopicName(topic.topic_id).value_or(std::string());
  }
}

FetchPass ReadFetch(const LogManager& logs, const ClusterView* cluster, const FetchRequest& request,
                    int16_t version) {
  return PassBuilder(logs, cluster, request, version).Build();
}

}  // namespace ringlog
