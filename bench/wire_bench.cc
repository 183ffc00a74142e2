// What the Kafka codec costs on the data path: decoding a Produce request (records stay
// in the request buffer, so the cost is the fields around them) and encoding a Fetch
// response whose records are file slices (so the cost is the headers only), for 1 and
// 100 partitions. Bytes/s counts the whole request or response, records included.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>

#include "engine/log/read_result.h"
#include "engine/log/record_batch_builder.h"
#include "net/codec/fetch_codec.h"
#include "net/codec/produce_codec.h"
#include "net/codec/wire_reader.h"
#include "net/codec/wire_writer.h"
#include "net/server/outbound_frame.h"

namespace ringlog {
namespace {

// One batch of 16 records of 1 KiB: a 16 KiB batch plus its headers.
constexpr int kRecordsPerBatch = 16;
constexpr size_t kValueBytes = 1024;
constexpr int16_t kProduceVersion = 7;
constexpr int16_t kFetchVersion = 11;

std::string ProduceBody(int partitions, const std::string& batch) {
  ProduceRequest request;
  request.acks = -1;
  request.timeout_ms = 30000;
  ProduceRequest::Topic topic{"bench-topic", {}};
  for (int p = 0; p < partitions; ++p) {
    topic.partitions.push_back(
        {p, std::span(reinterpret_cast<const uint8_t*>(batch.data()), batch.size()), 0});
  }
  request.topics.push_back(std::move(topic));
  std::string body;
  WireWriter writer(&body);
  EncodeProduceRequest(writer, request, kProduceVersion);
  return body;
}

// Arg: partitions, each carrying one 16 KiB batch.
void BM_DecodeProduceRequest(benchmark::State& state) {
  const int partitions = static_cast<int>(state.range(0));
  const std::string batch =
      BuildUniformBatch(kRecordsPerBatch, std::string(kValueBytes, 'v'), 1700000000000);
  const std::string body = ProduceBody(partitions, batch);
  const std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(body.data()), body.size());
  for (auto _ : state) {
    WireReader reader(bytes);
    Result<ProduceRequest> request = DecodeProduceRequest(reader, kProduceVersion);
    if (!request.ok()) {
      state.SkipWithError(request.status().ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(request);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(body.size()));
  state.SetItemsProcessed(state.iterations() * partitions);
}
BENCHMARK(BM_DecodeProduceRequest)->Arg(1)->Arg(100);

// Arg: partitions, each answered with a 16 KiB file slice.
void BM_EncodeFetchResponse(benchmark::State& state) {
  const int partitions = static_cast<int>(state.range(0));
  const uint64_t slice_bytes = kRecordsPerBatch * (kValueBytes + 16);
  auto pin = std::make_shared<int>(0);  // stands for the segment a slice keeps open
  FetchResponse response;
  response.session_id = 0;
  FetchResponse::Topic topic{"bench-topic", {}};
  for (int p = 0; p < partitions; ++p) {
    FetchResponse::Partition partition;
    partition.partition_index = p;
    partition.high_watermark = 1000;
    partition.last_stable_offset = 1000;
    partition.log_start_offset = 0;
    partition.records.data = FileSlice{3, static_cast<uint64_t>(p) * slice_bytes, slice_bytes};
    partition.records.pin = pin;
    topic.partitions.push_back(std::move(partition));
  }
  response.topics.push_back(std::move(topic));

  uint64_t frame_bytes = 0;
  for (auto _ : state) {
    OutboundFrame frame;
    EncodeFetchResponse(frame, response, kFetchVersion);
    frame_bytes = frame.size();
    benchmark::DoNotOptimize(frame);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(frame_bytes));
  state.SetItemsProcessed(state.iterations() * partitions);
}
BENCHMARK(BM_EncodeFetchResponse)->Arg(1)->Arg(100);

}  // namespace
}  // namespace ringlog

BENCHMARK_MAIN();
