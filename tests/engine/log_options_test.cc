#include "engine/log/log_options.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>

namespace ringlog {
namespace {

TEST(LogOptionsTest, DefaultsMatchKafkaAndValidate) {
  const LogOptions o;
  EXPECT_TRUE(o.Validate().ok());
  EXPECT_EQ(o.segment_bytes, 1073741824u);
  EXPECT_EQ(o.segment_ms, 604800000);
  EXPECT_EQ(o.retention_ms, 604800000);
  EXPECT_EQ(o.retention_bytes, -1);
  EXPECT_EQ(o.index_interval_bytes, 4096u);
  EXPECT_EQ(o.max_message_bytes, 1048588u);
  EXPECT_EQ(o.timestamp_type, TimestampType::kCreateTime);
  EXPECT_EQ(o.flush_interval_messages, kNever);
  EXPECT_EQ(o.flush_interval_ms, kNever);
}

TEST(LogOptionsTest, AcceptsEdgeValues) {
  LogOptions o;
  o.segment_bytes = kBatchHeaderSize;
  o.segment_ms = 1;
  o.retention_ms = -1;
  o.retention_bytes = 0;
  o.index_interval_bytes = 1;
  o.max_message_bytes = kBatchHeaderSize;
  o.flush_interval_messages = 1;
  o.flush_interval_ms = 0;
  EXPECT_TRUE(o.Validate().ok()) << o.Validate().ToString();
  o.segment_bytes = UINT32_MAX;
  EXPECT_TRUE(o.Validate().ok());
}

struct BadField {
  std::string config;  // the name the error must mention
  std::function<void(LogOptions*)> mutate;
};

TEST(LogOptionsTest, RejectsNonsenseNamingTheField) {
  const BadField cases[] = {
      {"segment.bytes", [](LogOptions* o) { o->segment_bytes = kBatchHeaderSize - 1; }},
      {"segment.bytes", [](LogOptions* o) { o->segment_bytes = uint64_t{UINT32_MAX} + 1; }},
      {"segment.ms", [](LogOptions* o) { o->segment_ms = 0; }},
      {"retention.ms", [](LogOptions* o) { o->retention_ms = -2; }},
      {"retention.bytes", [](LogOptions* o) { o->retention_bytes = -2; }},
      {"index.interval.bytes", [](LogOptions* o) { o->index_interval_bytes = 0; }},
      {"max.message.bytes", [](LogOptions* o) { o->max_message_bytes = 10; }},
      {"flush.messages", [](LogOptions* o) { o->flush_interval_messages = 0; }},
      {"flush.ms", [](LogOptions* o) { o->flush_interval_ms = -1; }},
  };
  for (const BadField& c : cases) {
    LogOptions o;
    c.mutate(&o);
    const Status s = o.Validate();
    EXPECT_TRUE(s.IsInvalidArgument()) << c.config << ": " << s.ToString();
    EXPECT_NE(s.message().find(c.config), std::string::npos) << s.message();
  }
}

}  // namespace
}  // namespace ringlog
