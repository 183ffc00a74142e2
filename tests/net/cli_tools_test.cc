// The parts of the operator commands (net/cli/) that need no broker: dump-log's walk over a
// segment file, --to_datetime and the key=value lists. The commands themselves run against
// the real binary in tests/integration/test_cli_tools.py.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <span>
#include <string>

#include "engine/log/control_batch.h"
#include "engine/log/format.h"
#include "engine/log/record_batch.h"
#include "engine/log/record_batch_builder.h"
#include "net/cli/offset_reset_plan.h"
#include "net/cli/rdkafka_client.h"
#include "net/cli/segment_dump.h"
#include "tests/support/temp_dir.h"

namespace ringlog {
namespace {

// A transaction of 3 records (producer 7, epoch 2), its commit marker, a plain batch.
std::string Segment() {
  std::string bytes =
      BuildRecordBatch({{.key = "k0", .value = "v0", .timestamp = 1000, .headers = {{"h", "x"}}},
                        {.key = std::nullopt, .value = "v1", .timestamp = 1001},
                        {.key = "k2", .value = std::nullopt, .timestamp = 1002}},
                       {.base_offset = 0,
                        .partition_leader_epoch = 4,
                        .attributes = kBatchAttrTransactional,
                        .producer_id = 7,
                        .producer_epoch = 2,
                        .base_sequence = 10});
  std::string marker = BuildControlBatch(
      {.producer_id = 7, .producer_epoch = 2, .type = ControlType::kCommit, .coordinator_epoch = 5},
      1003);
  SetBaseOffset(std::span(reinterpret_cast<uint8_t*>(marker.data()), marker.size()), 3);
  return bytes + marker +
         BuildRecordBatch({{.value = "plain", .timestamp = 1004}}, {.base_offset = 4});
}

struct Dumped {
  SegmentDumpSummary summary;
  std::string text;
};

Dumped Dump(const std::string& path, bool print_records) {
  char* buffer = nullptr;
  size_t size = 0;
  FILE* out = open_memstream(&buffer, &size);
  Result<SegmentDumpSummary> summary = DumpSegment(path, print_records, out);
  std::fclose(out);
  Dumped dumped{.text = std::string(buffer, size)};
  std::free(buffer);
  EXPECT_TRUE(summary.ok()) << summary.status().ToString();
  if (summary.ok()) dumped.summary = *summary;
  return dumped;
}

void Write(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

TEST(SegmentDumpTest, PrintsEveryBatchWithItsProducerAndMarker) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/00000000000000000000.log";
  Write(path, Segment());
  const Dumped dumped = Dump(path, /*print_records=*/false);
  EXPECT_TRUE(dumped.summary.clean());
  EXPECT_EQ(dumped.summary.batches, 3u);
  EXPECT_EQ(dumped.summary.records, 5u);
  EXPECT_NE(dumped.text.find("baseOffset: 0 lastOffset: 2 count: 3 baseSequence: 10 "
                             "lastSequence: 12 producerId: 7 producerEpoch: 2 "
                             "partitionLeaderEpoch: 4 isTransactional: true isControl: false "
                             "position: 0 CreateTime: 1002"),
            std::string::npos)
      << dumped.text;
  EXPECT_NE(dumped.text.find("baseOffset: 3 lastOffset: 3 count: 1"), std::string::npos);
  EXPECT_NE(dumped.text.find("| endTxnMarker: COMMIT coordinatorEpoch: 5"), std::string::npos);
  EXPECT_NE(dumped.text.find("baseOffset: 4 lastOffset: 4 count: 1 baseSequence: -1 lastSequence: "
                             "-1 producerId: -1"),
            std::string::npos);
  EXPECT_EQ(dumped.text.find("isvalid: false"), std::string::npos);
  EXPECT_EQ(dumped.text.find("payload"), std::string::npos);
}

TEST(SegmentDumpTest, PrintsRecordsOnRequest) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/00000000000000000000.log";
  Write(path, Segment());
  const Dumped dumped = Dump(path, /*print_records=*/true);
  EXPECT_NE(dumped.text.find("| offset: 0 CreateTime: 1000 key: k0 payload: v0 headers: h=x"),
            std::string::npos)
      << dumped.text;
  EXPECT_NE(dumped.text.find("| offset: 1 CreateTime: 1001 key: null payload: v1"),
            std::string::npos);
  EXPECT_NE(dumped.text.find("| offset: 2 CreateTime: 1002 key: k2 payload: null"),
            std::string::npos);
}

TEST(SegmentDumpTest, ReportsABadCrcAndGoesOn) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/00000000000000000000.log";
  std::string bytes = Segment();
  bytes[kBatchHeaderSize + 5] ^= 0x40;  // inside the first batch's records
  Write(path, bytes);
  const Dumped dumped = Dump(path, false);
  EXPECT_FALSE(dumped.summary.clean());
  EXPECT_EQ(dumped.summary.bad_crc, 1u);
  EXPECT_EQ(dumped.summary.batches, 3u);
  EXPECT_TRUE(dumped.summary.damage.empty());
  EXPECT_NE(dumped.text.find("isvalid: false"), std::string::npos);
}

TEST(SegmentDumpTest, StopsAtATornOrMalformedTail) {
  testing::TempDir dir;
  const std::string segment = Segment();
  const std::string torn = dir.path() + "/00000000000000000001.log";
  Write(torn, segment.substr(0, segment.size() - 3));
  Dumped dumped = Dump(torn, false);
  EXPECT_EQ(dumped.summary.batches, 2u);
  EXPECT_NE(dumped.summary.damage.find("runs past the end of the file"), std::string::npos);

  const std::string short_header = dir.path() + "/00000000000000000002.log";
  Write(short_header, segment + std::string(10, '\0'));
  dumped = Dump(short_header, false);
  EXPECT_EQ(dumped.summary.batches, 3u);
  EXPECT_NE(dumped.summary.damage.find("less than a batch header"), std::string::npos);

  const std::string garbage = dir.path() + "/00000000000000000003.log";
  Write(garbage, segment + std::string(100, '\x07'));
  dumped = Dump(garbage, false);
  EXPECT_EQ(dumped.summary.batches, 3u);
  EXPECT_NE(dumped.summary.damage.find("header does not decode"), std::string::npos);
}

TEST(SegmentDumpTest, MissingFileIsNotFound) {
  EXPECT_EQ(DumpSegment("/nonexistent/00000000000000000000.log", false, stdout).status().code(),
            Status::Code::kNotFound);
}

TEST(ParseDatetimeTest, IsoUtcAndEpochMilliseconds) {
  EXPECT_EQ(*ParseDatetime("2023-11-14T22:13:20"), 1'700'000'000'000);
  EXPECT_EQ(*ParseDatetime("2023-11-14T22:13:20Z"), 1'700'000'000'000);
  EXPECT_EQ(*ParseDatetime("2023-11-14T22:13:20.250Z"), 1'700'000'000'250);
  EXPECT_EQ(*ParseDatetime("1700000000123"), 1'700'000'000'123);
  for (const char* bad : {"", "yesterday", "2023-11-14", "2023-11-14T22:13:20.25",
                          "2023-11-14T22:13:20+01:00", "12x"}) {
    EXPECT_FALSE(ParseDatetime(bad).ok()) << bad;
  }
}

TEST(KeyValuesTest, ParsesAndRefuses) {
  auto pairs = ParseKeyValues("a=1,b=x=y,,c=");
  ASSERT_TRUE(pairs.ok());
  EXPECT_EQ(*pairs, (std::vector<std::pair<std::string, std::string>>{
                        {"a", "1"}, {"b", "x=y"}, {"c", ""}}));
  EXPECT_TRUE(ParseKeyValues("")->empty());
  EXPECT_FALSE(ParseKeyValues("a=1,b").ok());
  EXPECT_FALSE(ParseKeyValues("=1").ok());
  EXPECT_EQ(SplitList("x,,y,"), (std::vector<std::string>{"x", "y"}));
}

}  // namespace
}  // namespace ringlog
