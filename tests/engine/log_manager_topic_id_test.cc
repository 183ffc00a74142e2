// Topic ids on every backend: made with the topic (or given by the caller), kept across
// restarts, given once (and written back) to a topic whose record predates ids, and new
// for a re-created topic.
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "engine/clock.h"
#include "engine/log/log_manager.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_backends.h"

namespace ringlog::testing {
namespace {

class LogManagerTopicIdTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { Open(); }

  void Open() {
    const Status opened =
        OpenTestLogs(GetParam(), dir_.Sub("data"), defaults_, &clock_, &backend_, &manager_);
    ASSERT_TRUE(opened.ok()) << opened.ToString();
  }

  void Close() {
    ASSERT_TRUE(manager_->Close().ok());
    manager_.reset();
    backend_.reset();
  }

  // The id of `topic`, checked to lead back to the topic.
  Uuid IdOf(const std::string& topic) {
    std::optional<Uuid> id = manager_->TopicId(topic);
    EXPECT_TRUE(id.has_value()) << topic;
    if (!id.has_value()) return {};
    EXPECT_FALSE(id->IsZero());
    EXPECT_EQ(manager_->TopicName(*id), topic);
    EXPECT_EQ(manager_->GetTopic(topic)->id, *id);
    return *id;
  }

  TempDir dir_;
  ManualClock clock_{1'700'000'000'000};
  LogOptions defaults_;
  std::unique_ptr<StorageBackend> backend_;
  std::unique_ptr<LogManager> manager_;
};

TEST_P(LogManagerTopicIdTest, EveryTopicHasItsOwnIdThatSurvivesRestarts) {
  ASSERT_TRUE(manager_->CreateTopic("a", 2, {}).ok());
  ASSERT_TRUE(manager_->CreateTopic("b", 1, {{"retention.ms", "1000"}}).ok());
  const Uuid a = IdOf("a");
  const Uuid b = IdOf("b");
  EXPECT_NE(a, b);
  ASSERT_TRUE(manager_->CreatePartitions("a", 3).ok());
  ASSERT_TRUE(manager_->AlterTopicConfigs("b", {{"retention.ms", "2000"}}).ok());
  EXPECT_EQ(IdOf("a"), a);
  EXPECT_EQ(IdOf("b"), b);

  Close();
  Open();
  EXPECT_EQ(IdOf("a"), a);
  EXPECT_EQ(IdOf("b"), b);
  EXPECT_EQ(manager_->TopicId("c"), std::nullopt);
  EXPECT_EQ(manager_->TopicName(Uuid::Random()), std::nullopt);
  EXPECT_EQ(manager_->TopicName(Uuid{}), std::nullopt);
}

TEST_P(LogManagerTopicIdTest, ATopicFromBeforeIdsGetsOneThatThenStays) {
  Close();
  auto backend = OpenTestBackend(GetParam(), dir_.Sub("data"));
  ASSERT_TRUE(backend.ok());
  ASSERT_TRUE((*backend)->PutMeta("topic.old", "ringlog-topic 1\npartitions 2\n").ok());
  ASSERT_TRUE((*backend)->Close().ok());
  backend->reset();

  Open();
  const Uuid id = IdOf("old");
  EXPECT_EQ(manager_->GetTopic("old")->partitions, 2);
  Result<std::string> record = backend_->GetMeta("topic.old");
  ASSERT_TRUE(record.ok());
  EXPECT_NE(record->find(id.ToString()), std::string::npos) << *record;

  Close();
  Open();
  EXPECT_EQ(IdOf("old"), id);
}

TEST_P(LogManagerTopicIdTest, ARecreatedTopicGetsANewId) {
  ASSERT_TRUE(manager_->CreateTopic("t", 1, {}).ok());
  const Uuid first = IdOf("t");
  ASSERT_TRUE(manager_->DeleteTopic("t").ok());
  EXPECT_EQ(manager_->TopicId("t"), std::nullopt);
  EXPECT_EQ(manager_->TopicName(first), std::nullopt);
  ASSERT_TRUE(manager_->CreateTopic("t", 1, {}).ok());
  const Uuid second = IdOf("t");
  EXPECT_NE(second, first);
  EXPECT_EQ(manager_->TopicName(first), std::nullopt);

  Close();
  Open();
  EXPECT_EQ(IdOf("t"), second);
}

TEST_P(LogManagerTopicIdTest, ATopicMadeWithAGivenIdKeepsIt) {
  const Uuid given = Uuid::Random();
  ASSERT_TRUE(manager_->CreateTopic("given", 2, {{"retention.ms", "1000"}}, given).ok());
  EXPECT_EQ(IdOf("given"), given);
  EXPECT_EQ(manager_->GetTopic("given")->partitions, 2);

  EXPECT_TRUE(manager_->CreateTopic("other", 1, {}, given).IsAlreadyExists());
  EXPECT_TRUE(manager_->CreateTopic("given", 1, {}, Uuid::Random()).IsAlreadyExists());
  EXPECT_TRUE(manager_->CreateTopic("zero", 1, {}, Uuid{}).IsInvalidArgument());
  EXPECT_EQ(manager_->TopicId("other"), std::nullopt);
  EXPECT_EQ(manager_->TopicId("zero"), std::nullopt);

  Close();
  Open();
  EXPECT_EQ(IdOf("given"), given);
}

INSTANTIATE_TEST_SUITE_P(Backends, LogManagerTopicIdTest, ::testing::ValuesIn(AllTestBackends()),
                         BackendParamName());

}  // namespace
}  // namespace ringlog::testing
