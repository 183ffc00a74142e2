// net/metrics: the histogram, the per-thread request counters and their sum, the text
// exposition, and the HTTP endpoint (200 for /metrics, 404 elsewhere).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>
#include <vector>

#include "engine/histogram.h"
#include "net/metrics/isr_counters.h"
#include "net/metrics/metrics_server.h"
#include "net/metrics/prometheus_text.h"
#include "net/metrics/request_metrics.h"

namespace ringlog {
namespace {

constexpr auto kProduce = static_cast<int16_t>(ApiKey::kProduce);
constexpr auto kFetch = static_cast<int16_t>(ApiKey::kFetch);

TEST(HistogramTest, CountsEachValueInItsBucket) {
  static constexpr uint64_t kBounds[] = {10, 100};
  Histogram histogram(kBounds);
  for (uint64_t v : {1, 10, 11, 100, 101, 5000}) histogram.Observe(v);
  const Histogram::Snapshot read = histogram.Read();
  EXPECT_EQ(read.counts, (std::vector<uint64_t>{2, 2, 2}));
  EXPECT_EQ(read.count, 6u);
  EXPECT_EQ(read.sum, 1u + 10 + 11 + 100 + 101 + 5000);
}

TEST(RequestMetricsTest, SumsEveryThreadsShard) {
  RequestMetrics metrics;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&metrics] {
      for (int i = 0; i < 1000; ++i) metrics.RecordRequest(kProduce, 200'000);
      metrics.RecordError(kProduce, 3);
      metrics.RecordError(kProduce, 0);  // no error: not counted
      metrics.RecordConnectionOpened();
      metrics.RecordBytesIn("t", 100, 5);
      metrics.RecordBytesOut("t", 40, 2);
    });
  }
  for (std::thread& t : threads) t.join();
  metrics.RecordError(kFetch, -1);
  metrics.RecordConnectionClosed();

  const RequestMetrics::Totals totals = metrics.Read();
  ASSERT_EQ(totals.apis.count(kProduce), 1u);
  const RequestMetrics::ApiTotals& produce = totals.apis.at(kProduce);
  EXPECT_EQ(produce.requests, 4000u);
  EXPECT_EQ(produce.latency.count, 4000u);
  EXPECT_EQ(produce.latency.sum, 4000u * 200'000);
  EXPECT_EQ(produce.errors, (std::map<int16_t, uint64_t>{{3, 4}}));
  EXPECT_EQ(totals.apis.at(kFetch).errors, (std::map<int16_t, uint64_t>{{-1, 1}}));
  EXPECT_EQ(totals.apis.at(kFetch).requests, 0u);
  EXPECT_EQ(totals.connections_opened, 4u);
  EXPECT_EQ(totals.connections_closed, 1u);
  ASSERT_EQ(totals.topics.count("t"), 1u);
  EXPECT_EQ(totals.topics.at("t").bytes_in, 400u);
  EXPECT_EQ(totals.topics.at("t").records_in, 20u);
  EXPECT_EQ(totals.topics.at("t").bytes_out, 160u);
  EXPECT_EQ(totals.topics.at("t").records_out, 8u);
}

TEST(RequestMetricsTest, InstancesDoNotShareCounts) {
  RequestMetrics first;
  first.RecordRequest(kProduce, 1);
  {
    RequestMetrics second;
    second.RecordRequest(kProduce, 1);
    second.RecordRequest(kProduce, 1);
    EXPECT_EQ(second.Read().apis.at(kProduce).requests, 2u);
  }
  // A new instance (perhaps at the old one's address) starts from zero on this thread.
  RequestMetrics third;
  EXPECT_TRUE(third.Read().apis.empty());
  EXPECT_EQ(first.Read().apis.at(kProduce).requests, 1u);
}

TEST(PrometheusTextTest, WritesFamiliesSamplesAndHistograms) {
  PrometheusText out;
  out.Family("ringlog_x_total", "counter", "Help with a \\ and\na newline.");
  out.Sample("ringlog_x_total", {{"topic", "a\"b\\c\nd"}, {"partition", "0"}}, 42);
  out.Sample("ringlog_x_total", {}, 0.5);
  static constexpr uint64_t kBounds[] = {1'000'000, 1'000'000'000};
  Histogram histogram(kBounds);
  histogram.Observe(500'000);
  histogram.Observe(2'000'000);
  out.Family("ringlog_d_seconds", "histogram", "Durations.");
  out.Histogram("ringlog_d_seconds", {{"api", "Produce"}}, histogram.Read(), kBounds, 1e-9);
  EXPECT_EQ(out.text(),
            "# HELP ringlog_x_total Help with a \\\\ and\\na newline.\n"
            "# TYPE ringlog_x_total counter\n"
            "ringlog_x_total{topic=\"a\\\"b\\\\c\\nd\",partition=\"0\"} 42\n"
            "ringlog_x_total 0.5\n"
            "# HELP ringlog_d_seconds Durations.\n"
            "# TYPE ringlog_d_seconds histogram\n"
            "ringlog_d_seconds_bucket{api=\"Produce\",le=\"0.001\"} 1\n"
            "ringlog_d_seconds_bucket{api=\"Produce\",le=\"1\"} 2\n"
            "ringlog_d_seconds_bucket{api=\"Produce\",le=\"+Inf\"} 2\n"
            "ringlog_d_seconds_sum{api=\"Produce\"} 0.0025\n"
            "ringlog_d_seconds_count{api=\"Produce\"} 2\n");
}

TEST(IsrCountersTest, CountsShrinksAndExpands) {
  const IsrChangeCounts before = ReadIsrChangeCounts();
  CountIsrChange(3, 2);
  CountIsrChange(2, 3);
  CountIsrChange(2, 3);
  CountIsrChange(3, 3);
  const IsrChangeCounts after = ReadIsrChangeCounts();
  EXPECT_EQ(after.shrinks - before.shrinks, 1u);
  EXPECT_EQ(after.expands - before.expands, 2u);
}

// The raw HTTP/1.0 answer to a GET of `path` on 127.0.0.1:`port`.
std::string HttpGet(uint16_t port, const std::string& path) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  const std::string request = "GET " + path + " HTTP/1.0\r\nHost: localhost\r\n\r\n";
  EXPECT_EQ(write(fd, request.data(), request.size()), static_cast<ssize_t>(request.size()));
  std::string answer;
  char buffer[4096];
  ssize_t n;
  while ((n = read(fd, buffer, sizeof(buffer))) > 0) answer.append(buffer, static_cast<size_t>(n));
  close(fd);
  return answer;
}

std::string StatusLine(const std::string& answer) { return answer.substr(0, answer.find("\r\n")); }

TEST(MetricsServerTest, ServesMetricsAndNothingElse) {
  int scrapes = 0;
  MetricsServer server([&scrapes] { return "ringlog_up " + std::to_string(++scrapes) + "\n"; });
  ASSERT_TRUE(server.Start("127.0.0.1", 0).ok());
  ASSERT_NE(server.bound_port(), 0);

  const std::string ok = HttpGet(server.bound_port(), "/metrics");
  EXPECT_EQ(StatusLine(ok).substr(8), " 200 OK") << ok;
  EXPECT_NE(ok.find("text/plain; version=0.0.4"), std::string::npos) << ok;
  EXPECT_NE(ok.find("\r\n\r\nringlog_up 1\n"), std::string::npos) << ok;

  const std::string missing = HttpGet(server.bound_port(), "/other");
  EXPECT_EQ(StatusLine(missing).substr(8, 4), " 404") << missing;
  EXPECT_EQ(scrapes, 1);
  server.Stop();
}

TEST(MetricsServerTest, ABusyPortIsAnError) {
  MetricsServer first([] { return std::string(); });
  ASSERT_TRUE(first.Start("127.0.0.1", 0).ok());
  MetricsServer second([] { return std::string(); });
  const Status status = second.Start("127.0.0.1", first.bound_port());
  EXPECT_TRUE(status.IsIOError()) << status.ToString();
}

}  // namespace
}  // namespace ringlog
