// The serve command's configuration checks: --listen parsing and the options that must be
// refused with a clear message before anything starts.
#include <gtest/gtest.h>

#include "net/broker/listen_address.h"
#include "net/broker/serve_command.h"

namespace ringlog::testing {
namespace {

TEST(ListenAddressTest, ParsesHostsPortsAndBracketedIpv6) {
  Result<ListenAddress> a = ParseListenAddress("127.0.0.1:9092");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 9092);
  Result<ListenAddress> any = ParseListenAddress(":0");
  ASSERT_TRUE(any.ok());
  EXPECT_EQ(any->host, "");
  EXPECT_EQ(any->port, 0);
  Result<ListenAddress> v6 = ParseListenAddress("[::1]:65535");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 65535);
}

TEST(ListenAddressTest, RefusesWhatIsNotHostColonPort) {
  for (const char* bad : {"", "localhost", "host:", "host:65536", "host:-1", "host:12ab",
                          "::1:9092", "[::1:9092", "host: 80"}) {
    Result<ListenAddress> parsed = ParseListenAddress(bad);
    EXPECT_FALSE(parsed.ok()) << bad;
    if (!parsed.ok()) {
      EXPECT_TRUE(parsed.status().IsInvalidArgument()) << bad;
    }
  }
}

TEST(ServeOptionsTest, DefaultsAreValid) { EXPECT_TRUE(ValidateServeOptions({}).ok()); }

TEST(ServeOptionsTest, RefusesNonsense) {
  const auto refused = [](auto change) {
    ServeOptions o;
    change(o);
    return ValidateServeOptions(o).IsInvalidArgument();
  };
  EXPECT_TRUE(refused([](ServeOptions& o) { o.listen = "nowhere"; }));
  EXPECT_TRUE(refused([](ServeOptions& o) { o.data_dir = ""; }));
  EXPECT_TRUE(refused([](ServeOptions& o) { o.num_partitions = 0; }));
  EXPECT_TRUE(refused([](ServeOptions& o) { o.num_partitions = 1'000'000; }));
  EXPECT_TRUE(refused([](ServeOptions& o) { o.log_segment_bytes = -1; }));
  EXPECT_TRUE(refused([](ServeOptions& o) { o.log_segment_bytes = 10; }));
  EXPECT_TRUE(refused([](ServeOptions& o) { o.log_segment_bytes = 1ll << 40; }));
  EXPECT_TRUE(refused([](ServeOptions& o) { o.log_segment_ms = 0; }));
  EXPECT_TRUE(refused([](ServeOptions& o) { o.log_retention_ms = -2; }));
  EXPECT_TRUE(refused([](ServeOptions& o) { o.log_retention_bytes = -5; }));
  EXPECT_TRUE(refused([](ServeOptions& o) { o.log_flush_interval_messages = 0; }));
  EXPECT_TRUE(refused([](ServeOptions& o) { o.log_retention_check_interval_ms = 0; }));
  EXPECT_TRUE(refused([](ServeOptions& o) { o.socket_request_max_bytes = 0; }));
  EXPECT_TRUE(refused([](ServeOptions& o) { o.socket_request_max_bytes = 1ll << 32; }));
  EXPECT_TRUE(refused([](ServeOptions& o) { o.queued_max_request_bytes = 1000; }));
  EXPECT_TRUE(refused([](ServeOptions& o) { o.message_max_bytes = 0; }));
  EXPECT_TRUE(refused([](ServeOptions& o) { o.num_network_threads = -1; }));
  EXPECT_FALSE(refused([](ServeOptions& o) { o.log_retention_ms = -1; }));
}

TEST(ServeOptionsTest, RefusesNonsensicalClusterOptions) {
  const auto refused = [](auto change) {
    ServeOptions o;
    change(o);
    return ValidateServeOptions(o).IsInvalidArgument();
  };
  EXPECT_TRUE(refused([](ServeOptions& o) { o.broker_id = -1; }));
  EXPECT_TRUE(refused([](ServeOptions& o) { o.zookeeper_session_timeout_ms = 0; }));
  EXPECT_TRUE(refused([](ServeOptions& o) { o.zookeeper_connection_timeout_ms = -1; }));
  EXPECT_TRUE(refused([](ServeOptions& o) { o.default_replication_factor = 0; }));
  EXPECT_TRUE(refused([](ServeOptions& o) { o.default_replication_factor = 40000; }));
  EXPECT_TRUE(refused([](ServeOptions& o) { o.offsets_topic_replication_factor = -1; }));
  EXPECT_TRUE(refused([](ServeOptions& o) { o.offsets_topic_num_partitions = 0; }));
  EXPECT_FALSE(refused([](ServeOptions& o) {
    o.broker_id = 7;
    o.zookeeper_connect = "127.0.0.1:2181/ringlog";
    o.zookeeper_connection_timeout_ms = 0;
    o.default_replication_factor = 3;
    o.offsets_topic_num_partitions = 1;
  }));
}

TEST(ServeOptionsTest, RefusesNonsensicalReplicationOptions) {
  const auto refused = [](auto change) {
    ServeOptions o;
    change(o);
    return ValidateServeOptions(o).IsInvalidArgument();
  };
  EXPECT_TRUE(refused([](ServeOptions& o) { o.replica_lag_time_max_ms = 0; }));
  EXPECT_TRUE(refused([](ServeOptions& o) { o.min_insync_replicas = 0; }));
  EXPECT_TRUE(refused([](ServeOptions& o) { o.replica_fetch_wait_max_ms = -1; }));
  EXPECT_TRUE(refused([](ServeOptions& o) { o.replica_fetch_max_bytes = 0; }));
  EXPECT_TRUE(refused([](ServeOptions& o) { o.replica_fetch_response_max_bytes = -5; }));
  EXPECT_FALSE(refused([](ServeOptions& o) {
    o.replica_lag_time_max_ms = 2000;
    o.min_insync_replicas = 2;
    o.replica_fetch_wait_max_ms = 0;
  }));
}

TEST(ServeOptionsTest, RefusesANegativeControlledShutdownTimeout) {
  ServeOptions o;
  EXPECT_TRUE(o.controlled_shutdown_enable);
  EXPECT_EQ(o.controlled_shutdown_timeout_ms, 30000);
  o.controlled_shutdown_timeout_ms = -1;
  EXPECT_TRUE(ValidateServeOptions(o).IsInvalidArgument());
  o.controlled_shutdown_timeout_ms = 0;
  EXPECT_TRUE(ValidateServeOptions(o).ok());
}

}  // namespace
}  // namespace ringlog::testing
