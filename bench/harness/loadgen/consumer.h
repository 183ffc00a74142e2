// Consumer: the load generator's fetch loop for one partition, one Fetch (v4) at a time
// as a Kafka consumer does.
//
// The response is read into a buffer reused across fetches and scanned in place: the
// records come back as a view of whole batches below the high watermark (a trailing
// partial batch, which Kafka allows, is left for the next fetch), never copied again, so that
// reading costs the client one copy out of the socket, the same as the raw file-to-socket baseline.
//
// Thread-compatible.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "bench/harness/loadgen/kafka_connection.h"
#include "engine/status.h"
#include "engine/types.h"

namespace ringlog::bench {

struct ConsumerOptions {
  std::string host = "127.0.0.1";
  int port = 9092;
  std::string topic;
  int32_t partition = 0;
  int32_t max_bytes = 8 << 20;  // per fetch (request and partition limit)
  int32_t max_wait_ms = 500;    // long poll when fewer than min_bytes are there
  int32_t min_bytes = 1;
  int8_t isolation_level = 0;  // 1: read_committed, up to the last stable offset
};

struct FetchedRecords {
  std::span<const uint8_t> batches;  // whole batches; valid until the next Fetch
  Offset next_offset = 0;            // where the next fetch starts
  int64_t high_watermark = -1;
  int64_t last_stable_offset = -1;
  int32_t aborted_transactions = 0;  // how many the answer listed
};

class Consumer {
 public:
  static Result<std::unique_ptr<Consumer>> Connect(const ConsumerOptions& options);

  // Fetches from `offset`. Empty batches when nothing arrived within max_wait_ms. IOError
  // when the broker answers with an error code or the connection fails.
  Result<FetchedRecords> Fetch(Offset offset);

 private:
  Consumer(ConsumerOptions options, std::unique_ptr<KafkaConnection> connection)
      : options_(std::move(options)), connection_(std::move(connection)) {}

  const ConsumerOptions options_;
  const std::unique_ptr<KafkaConnection> connection_;
  std::vector<uint8_t> response_;
};

}  // namespace ringlog::bench
