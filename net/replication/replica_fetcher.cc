#include "net/replication/replica_fetcher.h"

#include <glog/logging.h>

#include <algorithm>
#include <span>
#include <string_view>
#include <utility>
#include <variant>

#include "engine/log/record_batch.h"
#include "net/codec/api_key.h"
#include "net/codec/error_code.h"
#include "net/codec/request_header.h"
#include "net/codec/wire_reader.h"
#include "net/codec/wire_writer.h"

namespace ringlog {
namespace {

// Fetch v12: flexible, topics by name, last_fetched_epoch and diverging_epoch.
constexpr int16_t kFetchVersion = 12;

std::span<const uint8_t> RecordBytes(const ReadResult& records) {
  const std::string* bytes = std::get_if<std::string>(&records.data);
  if (bytes == nullptr) return {};
  return {reinterpret_cast<const uint8_t*>(bytes->data()), bytes->size()};
}

}  // namespace

ReplicaFetcher::ReplicaFetcher(const ReplicaFetcherOptions& options, int32_t leader_id)
    : options_(options), leader_id_(leader_id) {}

ReplicaFetcher::~ReplicaFetcher() {
  RequestStop();
  if (thread_.joinable()) thread_.join();
}

void ReplicaFetcher::Start() {
  thread_ = std::thread([this] { Run(); });
}

void ReplicaFetcher::RequestStop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
}

bool ReplicaFetcher::finished() const {
  std::lock_guard<std::mutex> lock(mu_);
  return finished_;
}

void ReplicaFetcher::SetLeaderEndpoint(const std::string& host, int32_t port) {
  std::lock_guard<std::mutex> lock(mu_);
  host_ = host;
  port_ = port;
}

void ReplicaFetcher::AddPartition(std::shared_ptr<PartitionLog> log, int32_t leader_epoch) {
  std::lock_guard<std::mutex> lock(mu_);
  Followed& followed = partitions_[log->id()];
  if (followed.log == log && followed.leader_epoch == leader_epoch) return;
  LOG(INFO) << "broker " << options_.broker_id << " follows " << log->id().ToString()
            << " from broker " << leader_id_ << " at leader epoch " << leader_epoch;
  followed = Followed{std::move(log), leader_epoch, next_generation_++};
  cv_.notify_all();
}

void ReplicaFetcher::RemovePartition(const PartitionId& partition) {
  std::lock_guard<std::mutex> applying(apply_mu_);
  std::lock_guard<std::mutex> lock(mu_);
  partitions_.erase(partition);
}

size_t ReplicaFetcher::partition_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return partitions_.size();
}

bool ReplicaFetcher::paused(const PartitionId& partition) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = partitions_.find(partition);
  return it != partitions_.end() && it->second.paused;
}

void ReplicaFetcher::Run() {
  while (WaitForWork()) {
    std::vector<Sent> sent = Collect();
    if (sent.empty()) continue;
    if (!FetchOnce(sent)) {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait_for(lock, options_.connection_backoff, [this] { return stopping_; });
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  finished_ = true;
}

bool ReplicaFetcher::WaitForWork() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    const auto now = std::chrono::steady_clock::now();
    std::optional<std::chrono::steady_clock::time_point> earliest;
    for (const auto& [id, followed] : partitions_) {
      if (followed.paused) continue;
      if (followed.retry_after <= now) return true;
      earliest = std::min(earliest.value_or(followed.retry_after), followed.retry_after);
    }
    if (earliest) {
      cv_.wait_until(lock, *earliest);
    } else {
      cv_.wait(lock);
    }
  }
  return false;
}

std::vector<ReplicaFetcher::Sent> ReplicaFetcher::Collect() {
  std::vector<Sent> sent;
  std::lock_guard<std::mutex> lock(mu_);
  const auto now = std::chrono::steady_clock::now();
  for (const auto& [id, followed] : partitions_) {
    if (followed.paused || followed.retry_after > now) continue;
    sent.push_back(Sent{id, followed.log, followed.generation, followed.log->log_end_offset()});
  }
  return sent;
}

FetchRequest ReplicaFetcher::BuildRequest(const std::vector<Sent>& sent) const {
  FetchRequest request;
  request.replica_id = options_.broker_id;
  request.max_wait_ms = options_.max_wait_ms;
  request.min_bytes = options_.min_bytes;
  request.max_bytes = options_.max_bytes;
  std::lock_guard<std::mutex> lock(mu_);
  for (const Sent& s : sent) {
    if (request.topics.empty() || request.topics.back().topic != s.id.topic) {
      request.topics.push_back(FetchRequest::Topic{.topic = s.id.topic});
    }
    auto it = partitions_.find(s.id);
    request.topics.back().partitions.push_back(FetchRequest::Partition{
        .partition = s.id.partition,
        .current_leader_epoch = it != partitions_.end() ? it->second.leader_epoch : -1,
        .fetch_offset = s.fetch_offset,
        .last_fetched_epoch = s.log->latest_epoch(),
        .log_start_offset = s.log->log_start_offset(),
        .partition_max_bytes = options_.partition_max_bytes});
  }
  return request;
}

bool ReplicaFetcher::FetchOnce(const std::vector<Sent>& sent) {
  std::string host;
  int32_t port;
  {
    std::lock_guard<std::mutex> lock(mu_);
    host = host_;
    port = port_;
  }
  const FetchRequest request = BuildRequest(sent);
  std::string frame;
  WireWriter writer(&frame);
  RequestHeader header;
  header.api_key = static_cast<int16_t>(ApiKey::kFetch);
  header.api_version = kFetchVersion;
  header.correlation_id = ++correlation_id_;
  header.client_id = "ringlog-replica-" + std::to_string(options_.broker_id);
  EncodeRequestHeader(writer, header, /*flexible=*/true);
  EncodeFetchRequest(writer, request, kFetchVersion);

  Result<std::string> answer =
      channel_.Exchange(host, port, frame,
                        std::chrono::milliseconds(options_.max_wait_ms) + options_.request_timeout);
  if (!answer.ok()) {
    LOG_EVERY_N(WARNING, 20) << "broker " << options_.broker_id << " cannot fetch from leader "
                             << leader_id_ << " at " << host << ":" << port << ": "
                             << answer.status().ToString();
    return false;
  }
  WireReader reader(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(answer->data()), answer->size()));
  Status skipped = reader.ReadInt32().status();  // the correlation id, checked by the channel
  if (skipped.ok()) skipped = reader.SkipTaggedFields();
  Result<FetchResponse> response =
      skipped.ok() ? DecodeFetchResponse(reader, kFetchVersion) : Result<FetchResponse>(skipped);
  if (!response.ok()) {
    LOG(WARNING) << "broker " << options_.broker_id << " got a bad fetch response from leader "
                 << leader_id_ << ": " << response.status().ToString();
    return false;
  }
  if (response->error_code != ToWire(ErrorCode::kNone)) {
    LOG_EVERY_N(WARNING, 20) << "leader " << leader_id_ << " refused the fetch of broker "
                             << options_.broker_id << " with error " << response->error_code;
    return false;
  }
  ApplyResponse(sent, *response);
  return true;
}

void ReplicaFetcher::ApplyResponse(const std::vector<Sent>& sent, const FetchResponse& response) {
  std::lock_guard<std::mutex> applying(apply_mu_);
  for (const FetchResponse::Topic& topic : response.topics) {
    for (const FetchResponse::Partition& partition : topic.partitions) {
      const PartitionId id{topic.topic, partition.partition_index};
      auto s = std::find_if(sent.begin(), sent.end(), [&](const Sent& x) { return x.id == id; });
      if (s == sent.end()) continue;
      {
        // Removed or restarted since the request went: the answer is for another state.
        std::lock_guard<std::mutex> lock(mu_);
        auto it = partitions_.find(id);
        if (it == partitions_.end() || it->second.generation != s->generation) continue;
      }
      const Next next = ApplyPartition(*s, partition);
      std::lock_guard<std::mutex> lock(mu_);
      auto it = partitions_.find(id);
      if (it == partitions_.end() || it->second.generation != s->generation) continue;
      if (next == Next::kPause) it->second.paused = true;
      if (next == Next::kBackoff) {
        it->second.retry_after = std::chrono::steady_clock::now() + options_.partition_backoff;
      }
    }
  }
}

ReplicaFetcher::Next ReplicaFetcher::ApplyPartition(const Sent& sent,
                                                    const FetchResponse::Partition& partition) {
  PartitionLog& log = *sent.log;
  const ErrorCode error = static_cast<ErrorCode>(partition.error_code);
  if (error == ErrorCode::kOffsetOutOfRange) return OutOfRange(sent, partition);
  if (error == ErrorCode::kFencedLeaderEpoch) {
    LOG(INFO) << "leader " << leader_id_ << " fenced broker " << options_.broker_id
              << "'s fetch of " << sent.id.ToString()
              << ": its leader epoch is newer; waiting for the new state";
    return Next::kPause;
  }
  if (error != ErrorCode::kNone) {
    VLOG(1) << "fetch of " << sent.id.ToString() << " from " << leader_id_ << ": error "
            << partition.error_code;
    return Next::kBackoff;
  }
  if (partition.diverging_epoch.epoch >= 0 || partition.diverging_epoch.end_offset >= 0) {
    return Truncate(sent, partition.diverging_epoch);
  }
  const std::span<const uint8_t> batches = RecordBytes(partition.records);
  if (!batches.empty()) {
    if (Status appended = Append(log, batches); !appended.ok()) {
      LOG(WARNING) << "broker " << options_.broker_id << " cannot append to " << sent.id.ToString()
                   << " what leader " << leader_id_ << " sent: " << appended.ToString();
      return Next::kBackoff;
    }
  }
  if (partition.high_watermark >= 0) log.AdvanceHighWatermark(partition.high_watermark);
  if (partition.log_start_offset > log.log_start_offset()) {
    const Offset start = std::min(partition.log_start_offset, log.log_end_offset());
    if (Status moved = log.DeleteRecordsBefore(start); !moved.ok()) {
      LOG(WARNING) << "broker " << options_.broker_id << " cannot move the log start of "
                   << sent.id.ToString() << " to " << start << ": " << moved.ToString();
    }
  }
  return Next::kFetch;
}

ReplicaFetcher::Next ReplicaFetcher::Truncate(const Sent& sent,
                                              const FetchResponse::EpochEndOffset& diverging) {
  PartitionLog& log = *sent.log;
  const EpochEndOffset local = log.EndOffsetForEpoch(diverging.epoch);
  Offset target = std::min(diverging.end_offset, log.log_end_offset());
  if (local.end_offset >= 0) target = std::min(target, local.end_offset);
  target = std::max(target, Offset{0});
  LOG(INFO) << "broker " << options_.broker_id << " truncates " << sent.id.ToString() << " from "
            << log.log_end_offset() << " to " << target << ": leader " << leader_id_
            << " ends epoch " << diverging.epoch << " at " << diverging.end_offset
            << ", this replica at " << local.end_offset;
  Status truncated = target < log.log_start_offset() ? log.TruncateFullyAndStartAt(target)
                                                     : log.TruncateTo(target);
  if (!truncated.ok()) {
    LOG(WARNING) << "broker " << options_.broker_id << " cannot truncate " << sent.id.ToString()
                 << ": " << truncated.ToString();
    return Next::kBackoff;
  }
  return Next::kFetch;
}

ReplicaFetcher::Next ReplicaFetcher::OutOfRange(const Sent& sent,
                                                const FetchResponse::Partition& partition) {
  PartitionLog& log = *sent.log;
  Status done;
  if (partition.log_start_offset >= 0 && sent.fetch_offset < partition.log_start_offset) {
    LOG(INFO) << "broker " << options_.broker_id << " restarts " << sent.id.ToString() << " at "
              << partition.log_start_offset << ", the log start of leader " << leader_id_
              << " (it would fetch " << sent.fetch_offset << ")";
    done = log.TruncateFullyAndStartAt(partition.log_start_offset);
  } else if (partition.high_watermark >= log.log_start_offset() &&
             partition.high_watermark < sent.fetch_offset) {
    LOG(WARNING) << "broker " << options_.broker_id << " is past the end of leader " << leader_id_
                 << " on " << sent.id.ToString() << " (" << sent.fetch_offset
                 << "); cutting back to its high watermark " << partition.high_watermark;
    done = log.TruncateTo(partition.high_watermark);
  } else {
    return Next::kBackoff;
  }
  if (!done.ok()) {
    LOG(WARNING) << "broker " << options_.broker_id << " cannot realign " << sent.id.ToString()
                 << " with leader " << leader_id_ << ": " << done.ToString();
    return Next::kBackoff;
  }
  return Next::kFetch;
}

Status ReplicaFetcher::Append(PartitionLog& log, std::span<const uint8_t> batches) {
  Result<Offset> appended = log.AppendReplicated(batches);
  if (appended.ok() || !appended.status().IsInvalidArgument()) return appended.status();
  // A log restarted at the leader's log start gets the batch holding that offset, which may
  // begin below it: the log restarts at the batch instead (as Kafka's followers do).
  Result<BatchHeader> first = DecodeBatchHeader(batches);
  if (!first.ok() || log.log_start_offset() != log.log_end_offset() ||
      first->base_offset >= log.log_end_offset()) {
    return appended.status();
  }
  RETURN_IF_ERROR(log.TruncateFullyAndStartAt(first->base_offset));
  return log.AppendReplicated(batches).status();
}

}  // namespace ringlog
