#include "bench/harness/loadgen/consumer.h"

#include <algorithm>
#include <optional>

#include "bench/harness/loadgen/request_frame.h"
#include "engine/log/record_batch.h"
#include "net/codec/fetch_codec.h"
#include "net/codec/wire_reader.h"

namespace ringlog::bench {
namespace {

constexpr int16_t kFetchVersion = 4;
constexpr size_t kAbortedTransactionBytes = 2 * sizeof(int64_t);

}  // namespace

Result<std::unique_ptr<Consumer>> Consumer::Connect(const ConsumerOptions& options) {
  ASSIGN_OR_RETURN(std::unique_ptr<KafkaConnection> connection,
                   KafkaConnection::Connect(options.host, options.port));
  return std::unique_ptr<Consumer>(new Consumer(options, std::move(connection)));
}

Result<FetchedRecords> Consumer::Fetch(Offset offset) {
  FetchRequest request;
  request.max_wait_ms = options_.max_wait_ms;
  request.min_bytes = options_.min_bytes;
  request.max_bytes = options_.max_bytes;
  request.isolation_level = options_.isolation_level;
  FetchRequest::Topic& topic = request.topics.emplace_back();
  topic.topic = options_.topic;
  topic.partitions.push_back(FetchRequest::Partition{.partition = options_.partition,
                                                     .fetch_offset = offset,
                                                     .partition_max_bytes = options_.max_bytes});
  std::string frame = EncodeRequestFrame(ApiKey::kFetch, kFetchVersion, [&](WireWriter& writer) {
    EncodeFetchRequest(writer, request, kFetchVersion);
  });
  RETURN_IF_ERROR(connection_->Call(
      std::span<uint8_t>(reinterpret_cast<uint8_t*>(frame.data()), frame.size()), &response_));

  // v4 response: throttle, [topic: name, [partition: index, error, high watermark, last
  // stable offset, aborted transactions, records]].
  WireReader reader(response_);
  ASSIGN_OR_RETURN(const int32_t throttle_ms, reader.ReadInt32());
  (void)throttle_ms;
  ASSIGN_OR_RETURN(const int32_t topics, reader.ReadArrayLength(false));
  FetchedRecords fetched;
  fetched.next_offset = offset;
  for (int32_t t = 0; t < topics; ++t) {
    ASSIGN_OR_RETURN(const std::string name, reader.ReadString());
    ASSIGN_OR_RETURN(const int32_t partitions, reader.ReadArrayLength(false));
    for (int32_t p = 0; p < partitions; ++p) {
      ASSIGN_OR_RETURN(const int32_t index, reader.ReadInt32());
      ASSIGN_OR_RETURN(const int16_t error_code, reader.ReadInt16());
      ASSIGN_OR_RETURN(fetched.high_watermark, reader.ReadInt64());
      ASSIGN_OR_RETURN(fetched.last_stable_offset, reader.ReadInt64());
      ASSIGN_OR_RETURN(const int32_t aborted, reader.ReadArrayLength(false));
      fetched.aborted_transactions += std::max(aborted, 0);
      if (aborted > 0) {
        RETURN_IF_ERROR(
            reader.ReadRaw(static_cast<size_t>(aborted) * kAbortedTransactionBytes).status());
      }
      ASSIGN_OR_RETURN(const std::optional<std::span<const uint8_t>> records,
                       reader.ReadNullableBytes(false));
      if (error_code != 0) {
        return Status::IOError("fetch from " + name + "-" + std::to_string(index) + " at offset " +
                               std::to_string(offset) + " failed with error code " +
                               std::to_string(error_code) + " (high watermark " +
                               std::to_string(fetched.high_watermark) + ")");
      }
      if (!records || name != options_.topic || index != options_.partition) continue;
      // Batches at or above the high watermark are not committed: a consumer must not see
      // them yet (the broker should not send them; if it does, they are fetched again).
      BatchIterator batches(*records);
      uint64_t kept = 0;
      while (std::optional<RecordBatchView> batch = batches.Next()) {
        if (batch->header().next_offset() > fetched.high_watermark) break;
        fetched.next_offset = batch->header().next_offset();
        kept = batches.consumed();
      }
      RETURN_IF_ERROR(batches.status());
      fetched.batches = records->first(kept);
    }
  }
  return fetched;
}

}  // namespace ringlog::bench
