// RequestMetrics: what the protocol layer counts as it serves — requests, their latency and
// error codes per API, connections, and bytes and records in and out per topic.
//
// Recording is cheap and takes no shared lock: every thread that records (an event loop,
// a flusher thread answering acks=all, the admin worker) writes into a shard of its own,
// found through a thread-local cache; only a scrape reads every shard and sums them. A
// shard's API counters are relaxed atomics on the thread's own cache lines; its topic table
// has a mutex that only the scrape ever contends for.
//
// Thread safety: thread-safe. Shards live as long as the RequestMetrics.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/histogram.h"
#include "net/codec/api_key.h"

namespace ringlog {

class RequestMetrics {
 public:
  struct TopicTraffic {
    uint64_t bytes_in = 0;
    uint64_t records_in = 0;
    uint64_t bytes_out = 0;
    uint64_t records_out = 0;
  };
  struct ApiTotals {
    uint64_t requests = 0;
    Histogram::Snapshot latency;         // nanoseconds
    std::map<int16_t, uint64_t> errors;  // error code -> responses carrying it
  };
  // The sum of every shard.
  struct Totals {
    std::map<int16_t, ApiTotals> apis;  // APIs with at least one request or error
    uint64_t connections_opened = 0;
    uint64_t connections_closed = 0;
    std::map<std::string, TopicTraffic> topics;
  };

  RequestMetrics();
  ~RequestMetrics();
  RequestMetrics(const RequestMetrics&) = delete;
  RequestMetrics& operator=(const RequestMetrics&) = delete;

  // A request of API `api_key` was answered `latency_nanos` after it arrived.
  void RecordRequest(int16_t api_key, uint64_t latency_nanos);
  // A response of API `api_key` carried the non-zero `error_code` (once per partition or
  // entity that has it).
  void RecordError(int16_t api_key, int16_t error_code);
  void RecordConnectionOpened();
  void RecordConnectionClosed();
  void RecordBytesIn(std::string_view topic, uint64_t bytes, uint64_t records);
  void RecordBytesOut(std::string_view topic, uint64_t bytes, uint64_t records);

  Totals Read() const;

 private:
  // Kafka's error codes run from -1 (UNKNOWN_SERVER_ERROR) up; slot = code + 1.
  static constexpr int kErrorSlots = 160;

  struct ApiCounters {
    ApiCounters() : latency(LatencyBoundsNanos()) {}
    std::atomic<uint64_t> requests{0};
    Histogram latency;
    std::array<std::atomic<uint64_t>, kErrorSlots> errors{};
  };
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct Shard {
    std::array<ApiCounters, kApiKeyLimit> apis;
    std::atomic<uint64_t> connections_opened{0};
    std::atomic<uint64_t> connections_closed{0};
    std::mutex topics_mu;
    std::unordered_map<std::string, TopicTraffic, StringHash, std::equal_to<>> topics;
  };

  Shard& LocalShard();
  TopicTraffic& TopicLocked(Shard& shard, std::string_view topic);

  // Distinguishes this instance in the thread-local caches, even from a later one that
  // happens to live at the same address.
  const uint64_t instance_id_;
  mutable std::mutex shards_mu_;
  std::vector<std::unique_ptr<Shard>> shards_;
};

}  // namespace ringlog
