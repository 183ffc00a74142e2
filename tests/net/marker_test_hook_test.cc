// The marker writer's test hook (net/txn/marker_test_hook.h): off unless its environment
// variable holds a non-negative integer N; on, each request's markers reach its first N
// partitions only and the request never reports done.
#include "net/txn/marker_test_hook.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "net/txn/broker_txn_marker_writer.h"
#include "tests/net/txn_test_broker.h"
#include "tests/support/test_backends.h"

namespace ringlog::testing {
namespace {

using std::chrono::milliseconds;

// Sets the hook's variable for the scope (nullptr: unset).
class HookVariable {
 public:
  explicit HookVariable(const char* value) {
    if (value == nullptr) {
      unsetenv(kTxnMarkersLimitVariable);
    } else {
      setenv(kTxnMarkersLimitVariable, value, /*overwrite=*/1);
    }
  }
  ~HookVariable() { unsetenv(kTxnMarkersLimitVariable); }
};

TEST(TxnMarkersLimitTest, OnlyANonNegativeIntegerTurnsItOn) {
  {
    HookVariable unset(nullptr);
    EXPECT_EQ(TxnMarkersLimitFromEnvironment(), std::nullopt);
  }
  for (const char* bad : {"", "x", "-1", "2x", " 2"}) {
    HookVariable value(bad);
    EXPECT_EQ(TxnMarkersLimitFromEnvironment(), std::nullopt) << "'" << bad << "'";
  }
  HookVariable zero("0");
  EXPECT_EQ(TxnMarkersLimitFromEnvironment(), std::optional<size_t>(0));
  HookVariable two("2");
  EXPECT_EQ(TxnMarkersLimitFromEnvironment(), std::optional<size_t>(2));
}

class MarkerTestHookTest : public ::testing::TestWithParam<std::string> {};

TEST_P(MarkerTestHookTest, MarkersStopAtTheLimitAndNoRequestCompletes) {
  TxnTestBroker broker(GetParam(), 1);
  ASSERT_TRUE(broker.logs().CreateTopic("t", 3, {}).ok());
  HookVariable limit("1");
  BrokerTxnMarkerWriter writer(&broker.services);
  auto promise = std::make_shared<std::promise<void>>();
  std::future<void> done = promise->get_future();
  writer.WriteMarkers(
      TxnMarkerRequest{7, 2, ControlType::kCommit, 4, {{"t", 2}, {"t", 0}, {"t", 1}}},
      [promise] { promise->set_value(); });
  const ControlMarker commit{7, 2, ControlType::kCommit, 4};
  // The request's first partition gets its marker; nothing else happens.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (broker.Markers({"t", 2}).empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(5));
  }
  EXPECT_EQ(broker.Markers({"t", 2}), std::vector<ControlMarker>{commit});
  EXPECT_EQ(done.wait_for(milliseconds(300)), std::future_status::timeout);
  EXPECT_TRUE(broker.Markers({"t", 0}).empty());
  EXPECT_TRUE(broker.Markers({"t", 1}).empty());
}

TEST_P(MarkerTestHookTest, UnsetTheWriterIsUntouched) {
  TxnTestBroker broker(GetParam(), 1);
  ASSERT_TRUE(broker.logs().CreateTopic("t", 2, {}).ok());
  HookVariable unset(nullptr);
  BrokerTxnMarkerWriter writer(&broker.services);
  auto promise = std::make_shared<std::promise<void>>();
  std::future<void> done = promise->get_future();
  writer.WriteMarkers(TxnMarkerRequest{7, 2, ControlType::kAbort, 4, {{"t", 0}, {"t", 1}}},
                      [promise] { promise->set_value(); });
  ASSERT_EQ(done.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  const ControlMarker abort{7, 2, ControlType::kAbort, 4};
  EXPECT_EQ(broker.Markers({"t", 0}), std::vector<ControlMarker>{abort});
  EXPECT_EQ(broker.Markers({"t", 1}), std::vector<ControlMarker>{abort});
}

INSTANTIATE_TEST_SUITE_P(Backends, MarkerTestHookTest, ::testing::ValuesIn(AllTestBackends()),
                         BackendParamName());

}  // namespace
}  // namespace ringlog::testing
