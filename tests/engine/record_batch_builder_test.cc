#include "engine/log/record_batch_builder.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/log/record_batch.h"

namespace ringlog {
namespace {

std::span<const uint8_t> Span(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

TEST(RecordBatchBuilderTest, HeaderFieldsFromOptionsAndRecords) {
  BatchOptions options;
  options.base_offset = 1 << 20;
  options.partition_leader_epoch = 9;
  options.attributes = kBatchAttrTransactional;
  options.producer_id = 1234;
  options.producer_epoch = 2;
  options.base_sequence = 40;
  // Timestamps out of order: base is the first record's, max the largest.
  const std::string batch =
      BuildRecordBatch({{"a", "1", 500, {}}, {"b", "2", 900, {}}, {"c", "3", 100, {}}}, options);
  Result<RecordBatchView> view = RecordBatchView::Parse(Span(batch));
  ASSERT_TRUE(view.ok()) << view.status().ToString();
  const BatchHeader& h = view->header();
  EXPECT_EQ(view->size_bytes(), batch.size());
  EXPECT_EQ(h.base_offset, 1 << 20);
  EXPECT_EQ(h.partition_leader_epoch, 9);
  EXPECT_EQ(h.attributes, kBatchAttrTransactional);
  EXPECT_EQ(h.producer_id, 1234);
  EXPECT_EQ(h.producer_epoch, 2);
  EXPECT_EQ(h.base_sequence, 40);
  EXPECT_EQ(h.record_count, 3);
  EXPECT_EQ(h.last_offset_delta, 2);
  EXPECT_EQ(h.base_timestamp, 500);
  EXPECT_EQ(h.max_timestamp, 900);
  EXPECT_TRUE(ValidateProducerBatch(*view).ok());
  Result<std::vector<Record>> records = DecodeRecords(*view);
  ASSERT_TRUE(records.ok());
  EXPECT_EQ((*records)[2].timestamp, 100);
}

TEST(RecordBatchBuilderTest, DefaultsAreANonIdempotentProducer) {
  const std::string batch = BuildRecordBatch({{std::nullopt, "v", 7, {}}});
  const BatchHeader h = RecordBatchView::Parse(Span(batch))->header();
  EXPECT_EQ(h.base_offset, 0);
  EXPECT_EQ(h.producer_id, -1);
  EXPECT_EQ(h.producer_epoch, -1);
  EXPECT_EQ(h.base_sequence, -1);
  EXPECT_EQ(h.partition_leader_epoch, -1);
  EXPECT_EQ(h.attributes, 0);
}

TEST(RecordBatchBuilderTest, LargeValuesUseMultiByteLengths) {
  const std::string big(100000, 'z');
  const std::string batch = BuildRecordBatch({{std::string(300, 'k'), big, 1, {}}});
  Result<std::vector<Record>> records = DecodeRecords(*RecordBatchView::Parse(Span(batch)));
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  EXPECT_EQ((*records)[0].key->size(), 300u);
  EXPECT_EQ((*records)[0].value->size(), big.size());
}

// The fast path must produce exactly the bytes the general builder does, across the
// counts where the offset delta varint grows (63 -> 64 needs two bytes).
TEST(RecordBatchBuilderTest, UniformBatchMatchesGeneralBuilder) {
  for (int count : {1, 2, 63, 64, 65, 200, 9000}) {
    for (const std::string& value : {std::string(), std::string("v"), std::string(200, 'x')}) {
      BatchOptions options;
      options.base_offset = 17;
      options.producer_id = 5;
      std::vector<RecordData> records(static_cast<size_t>(count),
                                      RecordData{std::nullopt, value, 4242, {}});
      const std::string general = BuildRecordBatch(records, options);
      const std::string uniform = BuildUniformBatch(count, value, 4242, options);
      ASSERT_EQ(uniform, general) << count << " records of " << value.size() << " bytes";
      Result<RecordBatchView> view = RecordBatchView::Parse(Span(uniform));
      ASSERT_TRUE(view.ok());
      EXPECT_TRUE(ValidateProducerBatch(*view).ok());
    }
  }
}

TEST(RecordBatchBuilderDeathTest, MisuseIsABug) {
  EXPECT_DEATH(BuildRecordBatch({}), "at least one record");
  BatchOptions unknown_codec;
  unknown_codec.attributes = 5;
  EXPECT_DEATH(BuildRecordBatch({{"k", "v", 0, {}}}, unknown_codec), "no such codec");
  EXPECT_DEATH(BuildUniformBatch(0, "v", 0), "at least one record");
}

}  // namespace
}  // namespace ringlog
