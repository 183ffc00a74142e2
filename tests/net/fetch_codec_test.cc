// Fetch v0-11: request round trips with per-version fields, response round trips through
// an OutboundFrame, file-slice records left as references (zero copy), and the Fetch
// requests of librdkafka (v11) and kafka-python (v4).
#include "net/codec/fetch_codec.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "engine/log/read_result.h"
#include "engine/log/record_batch_builder.h"
#include "net/server/outbound_frame.h"
#include "tests/net/codec_test_util.h"
#include "tests/support/temp_dir.h"

namespace ringlog {
namespace {

using ::ringlog::testing::AsBytes;
using ::ringlog::testing::DecodeAt;
using ::ringlog::testing::LoadGoldenRequest;
using ::ringlog::testing::TempDir;

ReadResult OwnedRecords(std::string bytes) {
  ReadResult r;
  r.data = std::move(bytes);
  return r;
}

// A FetchResponse compared by its fields and the bytes its records hold.
struct ComparableFetchResponse {
  FetchResponse response;

  auto Key() const {
    using PartitionKey = std::tuple<int32_t, int16_t, int64_t, int64_t, int64_t,
                                    std::optional<std::vector<FetchResponse::AbortedTransaction>>,
                                    int32_t, std::string>;
    std::vector<std::tuple<std::string, std::vector<PartitionKey>>> topics;
    for (const auto& t : response.topics) {
      std::vector<PartitionKey> partitions;
      for (const auto& p : t.partitions) {
        Result<std::string> bytes = CopyReadBytes(p.records);
        partitions.emplace_back(p.partition_index, p.error_code, p.high_watermark,
                                p.last_stable_offset, p.log_start_offset, p.aborted_transactions,
                                p.preferred_read_replica, bytes.ok() ? *bytes : "<unreadable>");
      }
      topics.emplace_back(t.topic, std::move(partitions));
    }
    return std::tuple(response.throttle_time_ms, response.error_code, response.session_id, topics);
  }
  bool operator==(const ComparableFetchResponse& other) const { return Key() == other.Key(); }
};

struct RequestCase {
  using Msg = FetchRequest;
  static constexpr int16_t kMin = kFetchMinVersion;
  static constexpr int16_t kMax = kFetchMaxVersion;
  static void Encode(WireWriter& w, const Msg& m, int16_t v) { EncodeFetchRequest(w, m, v); }
  static Result<Msg> Decode(WireReader& r, int16_t v) { return DecodeFetchRequest(r, v); }
  static Msg Full() {
    FetchRequest r;
    r.replica_id = -1;
    r.max_wait_ms = 500;
    r.min_bytes = 1;
    r.max_bytes = 52428800;
    r.isolation_level = 1;
    r.session_id = 77;
    r.session_epoch = 3;
    using P = FetchRequest::Partition;
    r.topics = {{.topic = "orders",
                 .partitions = {P{.partition = 0,
                                  .current_leader_epoch = 4,
                                  .fetch_offset = 100,
                                  .log_start_offset = 10,
                                  .partition_max_bytes = 1048576},
                                P{.partition = 2,
                                  .current_leader_epoch = 5,
                                  .fetch_offset = 7,
                                  .log_start_offset = -1,
                                  .partition_max_bytes = 65536}}},
                {.topic = "audit"}};
    r.forgotten_topics = {{.topic = "old", .partitions = {1, 2}}};
    r.rack_id = "rack-a";
    return r;
  }
  static Msg AtVersion(Msg m, int16_t v) {
    const FetchRequest defaults;
    if (v < 3) m.max_bytes = defaults.max_bytes;
    if (v < 4) m.isolation_level = 0;
    if (v < 7) {
      m.session_id = defaults.session_id;
      m.session_epoch = defaults.session_epoch;
      m.forgotten_topics.clear();
    }
    if (v < 11) m.rack_id.clear();
    for (auto& t : m.forgotten_topics) {
      if (v >= 13) t.topic.clear();  // named by id from v13
    }
    for (auto& t : m.topics) {
      if (v >= 13) t.topic.clear();
      for (auto& p : t.partitions) {
        if (v < 5) p.log_start_offset = -1;
        if (v < 9) p.current_leader_epoch = -1;
      }
    }
    return m;
  }
};

const std::string& SampleBatch() {
  static const std::string batch =
      BuildRecordBatch({{std::nullopt, std::string("payload"), 5, {}}}, {.base_offset = 100});
  return batch;
}

struct ResponseCase {
  using Msg = ComparableFetchResponse;
  static constexpr int16_t kMin = kFetchMinVersion;
  static constexpr int16_t kMax = kFetchMaxVersion;
  static void Encode(WireWriter& w, const Msg& m, int16_t v) {
    OutboundFrame frame;
    EncodeFetchResponse(frame, m.response, v);
    Result<std::string> flat = frame.Flatten();
    CHECK(flat.ok()) << flat.status().ToString();
    w.WriteRaw(std::string_view(*flat));
  }
  static Result<Msg> Decode(WireReader& r, int16_t v) {
    ASSIGN_OR_RETURN(FetchResponse response, DecodeFetchResponse(r, v));
    return Msg{std::move(response)};
  }
  static Msg Full() {
    FetchResponse r;
    r.throttle_time_ms = 9;
    r.error_code = 0;
    r.session_id = 77;
    FetchResponse::Partition p0;
    p0.partition_index = 0;
    p0.high_watermark = 101;
    p0.last_stable_offset = 100;
    p0.log_start_offset = 50;
    p0.aborted_transactions = std::vector<FetchResponse::AbortedTransaction>{{7, 60}, {8, 70}};
    p0.preferred_read_replica = 1;
    p0.records = OwnedRecords(SampleBatch());
    FetchResponse::Partition p1;
    p1.partition_index = 2;
    p1.error_code = 1;
    p1.high_watermark = 5;
    p1.last_stable_offset = 5;
    p1.log_start_offset = 0;
    r.topics = {{.topic = "orders"}};
    r.topics[0].partitions.push_back(p0);
    r.topics[0].partitions.push_back(p1);
    r.topics.push_back({.topic = "audit"});
    return {r};
  }
  static Msg AtVersion(Msg m, int16_t v) {
    if (v < 1) m.response.throttle_time_ms = 0;
    if (v < 7) m.response.session_id = 0;
    for (auto& t : m.response.topics) {
      if (v >= 13) t.topic.clear();  // named by id from v13
      for (auto& p : t.partitions) {
        if (v < 4) {
          p.last_stable_offset = -1;
          p.aborted_transactions.reset();
        }
        if (v < 5) p.log_start_offset = -1;
        if (v < 11) p.preferred_read_replica = -1;
      }
    }
    return m;
  }
};

TEST(FetchCodecTest, RequestPropertiesAtEveryVersion) {
  ::ringlog::testing::ExpectCodecProperties<RequestCase>();
}

TEST(FetchCodecTest, ResponsePropertiesAtEveryVersion) {
  ::ringlog::testing::ExpectCodecProperties<ResponseCase>();
}

TEST(FetchCodecTest, TopLevelErrorIsOnTheWireFromV7) {
  ComparableFetchResponse m = ResponseCase::Full();
  m.response.error_code = 71;
  for (int16_t v = 0; v <= kFetchMaxVersion; ++v) {
    Result<ComparableFetchResponse> decoded =
        DecodeAt<ResponseCase>(::ringlog::testing::EncodeAt<ResponseCase>(m, v), v);
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(decoded->response.error_code, v >= 7 ? 71 : 0) << "v" << v;
  }
}

TEST(FetchCodecTest, NullAndEmptyAbortedTransactionsStayDistinct) {
  ComparableFetchResponse m = ResponseCase::Full();
  m.response.topics[0].partitions[0].aborted_transactions.emplace();
  m.response.topics[0].partitions[1].aborted_transactions.reset();
  Result<ComparableFetchResponse> decoded =
      DecodeAt<ResponseCase>(::ringlog::testing::EncodeAt<ResponseCase>(m, 4), 4);
  ASSERT_TRUE(decoded.ok());
  const auto& partitions = decoded->response.topics[0].partitions;
  ASSERT_TRUE(partitions[0].aborted_transactions.has_value());
  EXPECT_TRUE(partitions[0].aborted_transactions->empty());
  EXPECT_FALSE(partitions[1].aborted_transactions.has_value());
}

TEST(FetchCodecTest, FileSliceRecordsStayReferencesInTheFrame) {
  TempDir dir;
  const std::string path = dir.Sub("segment.log");
  const std::string prefix = "0123456789";  // the batch sits at position 10 in the file
  {
    int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0644);
    ASSERT_GE(fd, 0);
    const std::string contents = prefix + SampleBatch();
    ASSERT_EQ(::write(fd, contents.data(), contents.size()), static_cast<ssize_t>(contents.size()));
    ::close(fd);
  }
  const int fd = ::open(path.c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  // The pin stands for the segment that owns the fd: the last holder closes it.
  std::shared_ptr<const void> pin(new int(fd), [](const int* owned_fd) {
    ::close(*owned_fd);
    delete owned_fd;
  });

  FetchResponse response;
  FetchResponse::Partition p;
  p.partition_index = 0;
  p.high_watermark = 101;
  p.records.data = FileSlice{fd, prefix.size(), SampleBatch().size()};
  p.records.pin = pin;
  response.topics = {{.topic = "orders"}};
  response.topics[0].partitions.push_back(p);
  response.topics[0].partitions.push_back(p);  // the same slice twice
  p.records = ReadResult();
  response.topics[0].partitions.push_back(p);  // and an empty partition

  OutboundFrame frame;
  frame.bytes()->append("HDR!");  // stands for the response header
  EncodeFetchResponse(frame, response, 11);

  // Parts: memory (header + fields), slice, memory, slice, memory (last partition).
  const auto& parts = frame.parts();
  ASSERT_EQ(parts.size(), 5u);
  for (size_t i : {1u, 3u}) {
    const FileSlice* slice = std::get_if<FileSlice>(&parts[i].data);
    ASSERT_NE(slice, nullptr) << "part " << i;
    EXPECT_EQ(slice->fd, fd);
    EXPECT_EQ(slice->position, prefix.size());
    EXPECT_EQ(slice->length, SampleBatch().size());
    EXPECT_EQ(parts[i].pin, pin) << "the frame keeps the segment alive";
  }
  EXPECT_EQ(std::get<std::string>(parts[0].data).substr(0, 4), "HDR!");
  EXPECT_EQ(frame.size(), frame.Flatten()->size());

  const std::string flat = *frame.Flatten();
  WireReader reader(AsBytes(std::string_view(flat).substr(4)));
  Result<FetchResponse> decoded = DecodeFetchResponse(reader, 11);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_TRUE(reader.at_end());
  ASSERT_EQ(decoded->topics[0].partitions.size(), 3u);
  for (int i : {0, 1}) {
    EXPECT_EQ(*CopyReadBytes(decoded->topics[0].partitions[i].records), SampleBatch());
  }
  EXPECT_TRUE(decoded->topics[0].partitions[2].records.empty());
}

TEST(FetchCodecTest, GoldenLibrdkafkaV11) {
  auto golden = LoadGoldenRequest("librdkafka_fetch_v11.bin");
  EXPECT_EQ(golden.header.api_key, 1);
  EXPECT_EQ(golden.header.api_version, 11);
  EXPECT_EQ(golden.header.client_id, "rdkafka");
  WireReader reader = golden.BodyReader();
  Result<FetchRequest> request = DecodeFetchRequest(reader, 11);
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  EXPECT_TRUE(reader.at_end());
  EXPECT_EQ(request->replica_id, -1);
  EXPECT_EQ(request->max_wait_ms, 500);
  EXPECT_EQ(request->min_bytes, 1);
  EXPECT_EQ(request->isolation_level, 1) << "librdkafka reads committed by default";
  EXPECT_EQ(request->session_id, 0);
  EXPECT_EQ(request->session_epoch, -1) << "no fetch session";
  ASSERT_EQ(request->topics.size(), 1u);
  EXPECT_EQ(request->topics[0].topic, "golden");
  ASSERT_EQ(request->topics[0].partitions.size(), 1u);
  const FetchRequest::Partition& p = request->topics[0].partitions[0];
  EXPECT_EQ(p.partition, 0);
  EXPECT_EQ(p.fetch_offset, 0);
  EXPECT_GT(p.partition_max_bytes, 0);
  EXPECT_TRUE(request->forgotten_topics.empty());
  EXPECT_EQ(request->rack_id, "");
}

TEST(FetchCodecTest, GoldenKafkaPythonV4) {
  auto golden = LoadGoldenRequest("kafka_python_fetch_v4.bin");
  EXPECT_EQ(golden.header.api_version, 4);
  EXPECT_EQ(golden.header.client_id, "golden-kp");
  WireReader reader = golden.BodyReader();
  Result<FetchRequest> request = DecodeFetchRequest(reader, 4);
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  EXPECT_TRUE(reader.at_end());
  EXPECT_EQ(request->max_wait_ms, 500);
  EXPECT_EQ(request->isolation_level, 0) << "kafka-python reads uncommitted";
  ASSERT_EQ(request->topics.size(), 1u);
  EXPECT_EQ(request->topics[0].topic, "golden");
  ASSERT_EQ(request->topics[0].partitions.size(), 1u);
  EXPECT_EQ(request->topics[0].partitions[0].fetch_offset, 0);
  EXPECT_EQ(request->topics[0].partitions[0].partition_max_bytes, 1048576);
}

}  // namespace
}  // namespace ringlog
