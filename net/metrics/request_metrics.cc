#include "net/metrics/request_metrics.h"

namespace ringlog {
namespace {

std::atomic<uint64_t> next_instance_id{1};

}  // namespace

RequestMetrics::RequestMetrics() : instance_id_(next_instance_id.fetch_add(1)) {}

RequestMetrics::~RequestMetrics() = default;

RequestMetrics::Shard& RequestMetrics::LocalShard() {
  // A thread records into few instances (one in a broker), so a short list beats a map.
  thread_local std::vector<std::pair<uint64_t, Shard*>> cache;
  for (const auto& [id, shard] : cache) {
    if (id == instance_id_) return *shard;
  }
  std::lock_guard<std::mutex> lock(shards_mu_);
  Shard* shard = shards_.emplace_back(std::make_unique<Shard>()).get();
  cache.emplace_back(instance_id_, shard);
  return *shard;
}

void RequestMetrics::RecordRequest(int16_t api_key, uint64_t latency_nanos) {
  if (api_key < 0 || api_key >= kApiKeyLimit) return;
  ApiCounters& api = LocalShard().apis[api_key];
  api.requests.fetch_add(1, std::memory_order_relaxed);
  api.latency.Observe(latency_nanos);
}

void RequestMetrics::RecordError(int16_t api_key, int16_t error_code) {
  if (api_key < 0 || api_key >= kApiKeyLimit) return;
  const int slot = error_code + 1;
  if (error_code == 0 || slot < 0 || slot >= kErrorSlots) return;
  LocalShard().apis[api_key].errors[slot].fetch_add(1, std::memory_order_relaxed);
}

void RequestMetrics::RecordConnectionOpened() {
  LocalShard().connections_opened.fetch_add(1, std::memory_order_relaxed);
}

void RequestMetrics::RecordConnectionClosed() {
  LocalShard().connections_closed.fetch_add(1, std::memory_order_relaxed);
}

RequestMetrics::TopicTraffic& RequestMetrics::TopicLocked(Shard& shard, std::string_view topic) {
  auto it = shard.topics.find(topic);
  if (it == shard.topics.end()) it = shard.topics.emplace(std::string(topic), TopicTraffic{}).first;
  return it->second;
}

void RequestMetrics::RecordBytesIn(std::string_view topic, uint64_t bytes, uint64_t records) {
  Shard& shard = LocalShard();
  std::lock_guard<std::mutex> lock(shard.topics_mu);
  TopicTraffic& traffic = TopicLocked(shard, topic);
  traffic.bytes_in += bytes;
  traffic.records_in += records;
}

void RequestMetrics::RecordBytesOut(std::string_view topic, uint64_t bytes, uint64_t records) {
  Shard& shard = LocalShard();
  std::lock_guard<std::mutex> lock(shard.topics_mu);
  TopicTraffic& traffic = TopicLocked(shard, topic);
  traffic.bytes_out += bytes;
  traffic.records_out += records;
}

RequestMetrics::Totals RequestMetrics::Read() const {
  Totals totals;
  std::lock_guard<std::mutex> lock(shards_mu_);
  for (const std::unique_ptr<Shard>& shard : shards_) {
    for (int16_t key = 0; key < kApiKeyLimit; ++key) {
      const ApiCounters& api = shard->apis[key];
      const uint64_t requests = api.requests.load(std::memory_order_relaxed);
      std::map<int16_t, uint64_t> errors;
      for (int slot = 0; slot < kErrorSlots; ++slot) {
        const uint64_t n = api.errors[slot].load(std::memory_order_relaxed);
        if (n != 0) errors[static_cast<int16_t>(slot - 1)] = n;
      }
      if (requests == 0 && errors.empty()) continue;
      ApiTotals& sum = totals.apis[key];
      sum.requests += requests;
      sum.latency.Add(api.latency.Read());
      for (const auto& [code, n] : errors) sum.errors[code] += n;
    }
    totals.connections_opened += shard->connections_opened.load(std::memory_order_relaxed);
    totals.connections_closed += shard->connections_closed.load(std::memory_order_relaxed);
    std::lock_guard<std::mutex> topics_lock(shard->topics_mu);
    for (const auto& [name, traffic] : shard->topics) {
      TopicTraffic& sum = totals.topics[name];
      sum.bytes_in += traffic.bytes_in;
      sum.records_in += traffic.records_in;
      sum.bytes_out += traffic.bytes_out;
      sum.records_out += traffic.records_out;
    }
  }
  return totals;
}

}  // namespace ringlog
