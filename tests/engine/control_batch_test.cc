// Transaction markers: the control batch Kafka writes, byte for byte, and its parse.
#include "engine/log/control_batch.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/log/record_batch.h"
#include "engine/log/record_batch_builder.h"

namespace ringlog {
namespace {

std::span<const uint8_t> Span(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

TEST(ControlBatchTest, HeaderIsTransactionalControlWithoutSequence) {
  const std::string batch = BuildControlBatch({.producer_id = 4242,
                                               .producer_epoch = 3,
                                               .type = ControlType::kCommit,
                                               .coordinator_epoch = 17},
                                              1'700'000'000'123);
  Result<RecordBatchView> view = RecordBatchView::Parse(Span(batch));
  ASSERT_TRUE(view.ok()) << view.status().ToString();
  ASSERT_TRUE(view->VerifyCrc().ok());
  const BatchHeader& h = view->header();
  EXPECT_EQ(h.attributes, kBatchAttrTransactional | kBatchAttrControl);
  EXPECT_EQ(h.base_offset, 0);
  EXPECT_EQ(h.producer_id, 4242);
  EXPECT_EQ(h.producer_epoch, 3);
  EXPECT_EQ(h.base_sequence, -1);
  EXPECT_EQ(h.record_count, 1);
  EXPECT_EQ(h.last_offset_delta, 0);
  EXPECT_EQ(h.base_timestamp, 1'700'000'000'123);
  EXPECT_EQ(h.max_timestamp, 1'700'000'000'123);
  // The record exactly as Kafka's EndTransactionMarker writes it: length 16, attributes
  // 0, timestamp delta 0, offset delta 0, key length 4 {version 0, type 1}, value length
  // 6 {version 0, coordinator epoch 17}, no headers (varints zigzag-encoded).
  const std::string record("\x20\x00\x00\x00\x08\x00\x00\x00\x01\x0c\x00\x00\x00\x00\x00\x11\x00",
                           17);
  EXPECT_EQ(batch.substr(kBatchHeaderSize), record);
}

TEST(ControlBatchTest, ParseRoundTripsBothTypes) {
  for (ControlType type : {ControlType::kAbort, ControlType::kCommit}) {
    const ControlMarker marker{
        .producer_id = 9, .producer_epoch = 1, .type = type, .coordinator_epoch = -5};
    Result<ControlMarker> parsed = ParseControlBatch(Span(BuildControlBatch(marker, 77)));
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    EXPECT_EQ(*parsed, marker);
  }
}

TEST(ControlBatchTest, ADataBatchIsNotAMarker) {
  BatchOptions options;
  options.attributes = kBatchAttrTransactional;
  options.producer_id = 9;
  options.producer_epoch = 0;
  options.base_sequence = 0;
  const std::string data = BuildRecordBatch({{"k", "v", 1, {}}}, options);
  EXPECT_TRUE(ParseControlBatch(Span(data)).status().IsInvalidArgument());
}

TEST(ControlBatchTest, AnotherControlTypeIsNotAMarker) {
  // A KRaft leader-change record (type 2) is a control record but no transaction marker.
  BatchOptions options;
  options.attributes = kBatchAttrTransactional | kBatchAttrControl;
  RecordData record{
      std::string("\x00\x00\x00\x02", 4), std::string("\x00\x00\x00\x00\x00\x01", 6), 1, {}};
  const std::string batch = BuildRecordBatch({record}, options);
  EXPECT_TRUE(ParseControlBatch(Span(batch)).status().IsInvalidArgument());
}

TEST(ControlBatchTest, ShortRecordIsCorruption) {
  BatchOptions options;
  options.attributes = kBatchAttrTransactional | kBatchAttrControl;
  RecordData record{std::string("\x00\x00", 2), std::string("\x00\x00", 2), 1, {}};
  const std::string batch = BuildRecordBatch({record}, options);
  EXPECT_TRUE(ParseControlBatch(Span(batch)).status().IsCorruption());
  const std::string marker = BuildControlBatch({}, 1);
  EXPECT_FALSE(ParseControlBatch(Span(marker).first(marker.size() - 3)).ok());
}

}  // namespace
}  // namespace ringlog
