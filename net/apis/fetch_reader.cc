#include "net/apis/fetch_reader.h"

#include <glog/logging.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <limits>
#include <memory>
#include <set>
#include <span>
#include <string>

#include "engine/log/record_batch.h"
#include "net/apis/leader_epoch_check.h"
#include "net/apis/partition_route.h"
#include "net/replication/leader_replicas.h"

namespace ringlog {
namespace {

constexpr int16_t kFirstBatchFetchVersion = 4;  // magic 2 from Fetch v4
constexpr int16_t kFirstZstdFetchVersion = 10;
constexpr int16_t kFirstEpochFetchVersion = 12;  // last_fetched_epoch, current_leader
constexpr int16_t kFirstTopicIdFetchVersion = 13;
constexpr int16_t kFirstReplicaStateFetchVersion = 15;
constexpr int16_t kFirstNodeEndpointsFetchVersion = 16;
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

// Whether a response with `error` names the current leader (v12+), so that the client
// refreshes to it without a metadata round trip.
bool NamesLeader(ErrorCode error) {
  return error == ErrorCode::kNotLeaderOrFollower || error == ErrorCode::kFencedLeaderEpoch ||
         error == ErrorCode::kUnknownLeaderEpoch;
}

class PassBuilder {
 public:
  PassBuilder(const BrokerServices& services, const FetchRequest& request, int16_t version)
      : services_(services),
        request_(request),
        version_(version),
        replica_(FetchingReplica(request, version)),
        budget_(static_cast<uint64_t>(std::max(request.max_bytes, 0))) {}

  FetchPass Build() {
    for (const FetchRequest::Topic& topic : request_.topics) {
      FetchResponse::Topic& answer = pass_.response.topics.emplace_back();
      answer.topic = topic.topic;
      answer.topic_id = topic.topic_id;
      // From v13 a topic comes by id, named by NameTopicsById; no name: an unknown id.
      const bool unknown_id = version_ >= kFirstTopicIdFetchVersion && topic.topic.empty();
      for (const FetchRequest::Partition& p : topic.partitions) {
        pass_.seen_ends.push_back(-1);
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
    AddNamedLeaders();
    return std::move(pass_);
  }

 private:
  FetchResponse::Partition ReadPartition(const std::string& topic,
                                         const FetchRequest::Partition& asked) {
    FetchResponse::Partition answer;
    answer.partition_index = asked.partition;
    const PartitionId id{topic, asked.partition};
    ErrorCode route = RoutePartition(services_.cluster, id);
    // Only a cluster's leader has followers.
    if (route == ErrorCode::kNone && replica_ >= 0 && services_.replication == nullptr) {
      route = ErrorCode::kNotLeaderOrFollower;
    }
    if (route != ErrorCode::kNone) return Refuse(std::move(answer), id, route);
    std::shared_ptr<PartitionLog> log = services_.logs->GetPartition(id);
    if (log == nullptr) {
      answer.error_code = ToWire(ErrorCode::kUnknownTopicOrPartition);
      return answer;
    }
    if (const ErrorCode fenced =
            CheckLeaderEpoch(asked.current_leader_epoch, ServedLeaderEpoch(services_, *log));
        fenced != ErrorCode::kNone) {
      return Refuse(std::move(answer), id, fenced);
    }
    if (Diverges(*log, asked, answer)) {
      FillWatermarks(*log, answer);
      pass_.has_error = true;  // answered now: the follower must truncate first
      return answer;
    }
    const bool committed = replica_ < 0 && request_.isolation_level == kReadCommitted;
    if (committed) answer.aborted_transactions.emplace();
    // Read before the records: a write after it wakes a long poll (DelayedFetch).
    pass_.seen_ends.back() = FetchableEnd(*log, replica_, request_.isolation_level);
    Result<ReadResult> read = ReadRecords(*log, asked);
    if (read.ok() && replica_ >= 0) {
      // After the read, as Kafka: a follower's progress counts only for an offset it could
      // fetch. May move the high watermark, which the answer then carries.
      const ErrorCode progress =
          services_.replication->OnFollowerFetch(id, replica_, asked.fetch_offset);
      if (progress != ErrorCode::kNone) {
        pass_.seen_ends.back() = -1;
        return Refuse(std::move(answer), id, progress);
      }
    }
    // The watermarks are read after the records, so a consumer's records never run past
    // them.
    FillWatermarks(*log, answer);
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
    if (committed && !read->empty()) {
      for (const AbortedTxn& txn :
           log->AbortedTransactions(asked.fetch_offset, read->next_offset)) {
        answer.aborted_transactions->push_back({txn.producer_id, txn.first_offset});
      }
    }
    answer.records = std::move(*read);
    return answer;
  }

  // Answers `error`, naming the current leader where the version carries it.
  FetchResponse::Partition Refuse(FetchResponse::Partition answer, const PartitionId& id,
                                  ErrorCode error) {
    answer.error_code = ToWire(error);
    if (version_ >= kFirstEpochFetchVersion && NamesLeader(error)) {
      const LeaderAndEpoch leader = SnapshotLeader(services_.cluster, id);
      answer.current_leader.leader_id = leader.leader;
      answer.current_leader.leader_epoch = leader.epoch;
      if (leader.leader >= 0) named_leaders_.insert(leader.leader);
    }
    return answer;
  }

  // From v16 the response carries the address of every leader it names (KIP-951).
  void AddNamedLeaders() {
    if (version_ < kFirstNodeEndpointsFetchVersion || named_leaders_.empty()) return;
    const std::shared_ptr<const ClusterSnapshot> snapshot = services_.cluster->Snapshot();
    for (const int32_t id : named_leaders_) {
      if (const ClusterBroker* broker = snapshot->FindBroker(id)) {
        pass_.response.node_endpoints.push_back({id, broker->host, broker->port, broker->rack});
      }
    }
  }

  // Whether the fetcher's log diverges from this one (KIP-595's check of the last fetched
  // epoch): its last epoch is unknown here, or ends here before its fetch offset. Then
  // `answer` says where that epoch ends.
  bool Diverges(const PartitionLog& log, const FetchRequest::Partition& asked,
                FetchResponse::Partition& answer) const {
    if (version_ < kFirstEpochFetchVersion || asked.last_fetched_epoch < 0) return false;
    const EpochEndOffset end = log.EndOffsetForEpoch(asked.last_fetched_epoch);
    if (end.epoch >= asked.last_fetched_epoch && end.end_offset >= asked.fetch_offset) {
      return false;
    }
    answer.diverging_epoch.epoch = end.epoch;
    answer.diverging_epoch.end_offset = end.end_offset;
    return true;
  }

  static void FillWatermarks(const PartitionLog& log, FetchResponse::Partition& answer) {
    answer.high_watermark = log.high_watermark();
    answer.last_stable_offset = log.last_stable_offset();
    answer.log_start_offset = log.log_start_offset();
  }

  // The partition's batches from the fetch offset that fit what is left of the limits;
  // empty when none does.
  Result<ReadResult> ReadRecords(const PartitionLog& log, const FetchRequest::Partition& asked) {
    const bool first = pass_.record_bytes == 0;
    const uint64_t left = budget_ > pass_.record_bytes ? budget_ - pass_.record_bytes : 0;
    if (!first && left == 0) return ReadResult{};
    const uint64_t limit =
        std::min<uint64_t>(left, static_cast<uint64_t>(std::max(asked.partition_max_bytes, 0)));
    const ReadBound bound = replica_ >= 0 ? ReadBound::kLogEnd
                            : request_.isolation_level == kReadCommitted
                                ? ReadBound::kLastStable
                                : ReadBound::kHighWatermark;
    ASSIGN_OR_RETURN(ReadResult read,
                     log.Read(asked.fetch_offset, static_cast<size_t>(limit), bound));
    // Only the response's first batch may exceed the limits.
    if (!first && read.size_bytes() > limit) return ReadResult{};
    return read;
  }

  const BrokerServices& services_;
  const FetchRequest& request_;
  const int16_t version_;
  const int32_t replica_;
  const uint64_t budget_;
  FetchPass pass_;
  std::set<int32_t> named_leaders_;
};

}  // namespace

void NameTopicsById(const LogManager& logs, FetchRequest& request, int16_t version) {
  if (version < kFirstTopicIdFetchVersion) return;
  for (FetchRequest::Topic& topic : request.topics) {
    topic.topic = logs.TopicName(topic.topic_id).value_or(std::string());
  }
}

int32_t FetchingReplica(const FetchRequest& request, int16_t version) {
  const int32_t id = version >= kFirstReplicaStateFetchVersion ? request.replica_state.replica_id
                                                               : request.replica_id;
  return id >= 0 ? id : -1;
}

Offset FetchableEnd(const PartitionLog& log, int32_t replica, int8_t isolation_level) {
  if (replica >= 0) return log.log_end_offset();
  return isolation_level == kReadCommitted ? log.last_stable_offset() : log.high_watermark();
}

FetchPass ReadFetch(const BrokerServices& services, const FetchRequest& request, int16_t version) {
  return PassBuilder(services, request, version).Build();
}

}  // namespace ringlog
