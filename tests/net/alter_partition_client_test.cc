// AlterPartitionClient: the request it writes (v1, topics by name, grouped), how it reads
// the controller's answers (per partition, a partition left out, top-level errors), and
// the real client against a fake controller on a loopback socket: it finds the controller
// in the snapshot, and is Busy without one or when it cannot be reached.
#include "net/replication/alter_partition_client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "net/codec/alter_partition_codec.h"
#include "net/codec/request_header.h"
#include "net/codec/wire_reader.h"
#include "net/codec/wire_writer.h"
#include "tests/net/fake_cluster_view.h"

namespace ringlog {
namespace {

using std::chrono::milliseconds;

IsrChange Change(std::string topic, int32_t partition, int32_t leader_epoch,
                 int32_t partition_epoch, std::vector<int32_t> new_isr) {
  IsrChange change;
  change.partition = PartitionId{std::move(topic), partition};
  change.leader_epoch = leader_epoch;
  change.partition_epoch = partition_epoch;
  change.new_isr = std::move(new_isr);
  return change;
}

std::vector<IsrChange> Changes() {
  std::vector<IsrChange> changes;
  changes.push_back(Change("a", 0, 3, 7, {1, 2}));
  changes.push_back(Change("b", 2, 4, 9, {1, 2, 3}));
  changes.push_back(Change("a", 1, 5, 11, {1}));
  return changes;
}

std::span<const uint8_t> Bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// A response frame (header v1 and body) with correlation id 1.
std::string ResponseFrame(const AlterPartitionResponse& response) {
  std::string frame;
  WireWriter writer(&frame);
  EncodeResponseHeader(writer, 1, /*flexible=*/true);
  EncodeAlterPartitionResponse(writer, response, 1);
  return frame;
}

AlterPartitionResponse::Partition Answered(int32_t index, int16_t error, std::vector<int32_t> isr,
                                           int32_t partition_epoch) {
  AlterPartitionResponse::Partition p;
  p.partition_index = index;
  p.error_code = error;
  p.leader_id = 1;
  p.leader_epoch = 3;
  p.isr = std::move(isr);
  p.partition_epoch = partition_epoch;
  return p;
}

TEST(AlterPartitionClientTest, RequestIsVersionOneWithTopicsByName) {
  const std::string frame = EncodeAlterPartitionFrame(1, 42, Changes());
  WireReader reader(Bytes(frame));
  Result<RequestHeader> header = DecodeRequestHeaderPrefix(reader);
  ASSERT_TRUE(header.ok());
  EXPECT_EQ(header->api_key, 56);
  EXPECT_EQ(header->api_version, 1);
  EXPECT_EQ(header->correlation_id, 42);
  ASSERT_TRUE(DecodeRequestHeaderRest(reader, /*flexible=*/true, &*header).ok());
  Result<AlterPartitionRequest> request = DecodeAlterPartitionRequest(reader, 1);
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  EXPECT_EQ(reader.remaining(), 0u);
  EXPECT_EQ(request->broker_id, 1);
  ASSERT_EQ(request->topics.size(), 2u);
  EXPECT_EQ(request->topics[0].topic_name, "a");
  ASSERT_EQ(request->topics[0].partitions.size(), 2u);
  EXPECT_EQ(request->topics[0].partitions[1].partition_index, 1);
  EXPECT_EQ(request->topics[0].partitions[1].leader_epoch, 5);
  EXPECT_EQ(request->topics[0].partitions[1].partition_epoch, 11);
  EXPECT_EQ(request->topics[0].partitions[1].new_isr, (std::vector<int32_t>{1}));
  EXPECT_EQ(request->topics[1].topic_name, "b");
  EXPECT_EQ(request->topics[1].partitions[0].new_isr, (std::vector<int32_t>{1, 2, 3}));
  EXPECT_EQ(request->topics[1].partitions[0].leader_recovery_state, 0);
}

TEST(AlterPartitionClientTest, AnswersFollowTheChangesAndMissingOnesAreErrors) {
  AlterPartitionResponse response;
  response.topics.push_back({.topic_name = "b", .partitions = {Answered(2, 95, {}, -1)}});
  response.topics.push_back({.topic_name = "a", .partitions = {Answered(0, 0, {1, 2}, 8)}});
  Result<std::vector<IsrChangeAnswer>> answers =
      DecodeAlterPartitionAnswers(ResponseFrame(response), Changes());
  ASSERT_TRUE(answers.ok()) << answers.status().ToString();
  ASSERT_EQ(answers->size(), 3u);
  EXPECT_EQ((*answers)[0].partition, (PartitionId{"a", 0}));
  EXPECT_EQ((*answers)[0].error, ErrorCode::kNone);
  EXPECT_EQ((*answers)[0].leader_id, 1);
  EXPECT_EQ((*answers)[0].state.leader_epoch, 3);
  EXPECT_EQ((*answers)[0].state.isr, (std::vector<int32_t>{1, 2}));
  EXPECT_EQ((*answers)[0].state.partition_epoch, 8);
  EXPECT_EQ((*answers)[1].error, ErrorCode::kInvalidUpdateVersion);
  EXPECT_EQ((*answers)[2].partition, (PartitionId{"a", 1}));
  EXPECT_EQ((*answers)[2].error, ErrorCode::kUnknownServerError);
}

TEST(AlterPartitionClientTest, TopLevelErrors) {
  AlterPartitionResponse response;
  response.error_code = static_cast<int16_t>(ErrorCode::kNotController);
  Result<std::vector<IsrChangeAnswer>> answers =
      DecodeAlterPartitionAnswers(ResponseFrame(response), Changes());
  ASSERT_FALSE(answers.ok());
  EXPECT_TRUE(answers.status().IsBusy()) << "sent again to the next controller";

  response.error_code = static_cast<int16_t>(ErrorCode::kUnknownServerError);
  answers = DecodeAlterPartitionAnswers(ResponseFrame(response), Changes());
  ASSERT_TRUE(answers.ok());
  for (const IsrChangeAnswer& answer : *answers) {
    EXPECT_EQ(answer.error, ErrorCode::kUnknownServerError);
  }
  EXPECT_FALSE(DecodeAlterPartitionAnswers("\x00\x00", Changes()).ok()) << "truncated";
}

bool ReadExactly(int fd, char* out, size_t n) {
  size_t got = 0;
  while (got < n) {
    const ssize_t r = recv(fd, out + got, n - got, 0);
    if (r <= 0) return false;
    got += static_cast<size_t>(r);
  }
  return true;
}

// A controller on a loopback socket that accepts every change of one request as asked,
// at partition epoch + 1.
class FakeController {
 public:
  FakeController() {
    listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    EXPECT_EQ(listen(listen_fd_, 4), 0);
    socklen_t size = sizeof(addr);
    getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &size);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { ServeOne(); });
  }
  ~FakeController() {
    shutdown(listen_fd_, SHUT_RDWR);
    close(listen_fd_);
    thread_.join();
  }
  int port() const { return port_; }
  // The request it received; read after the exchange.
  AlterPartitionRequest request;

 private:
  void ServeOne() {
    const int fd = accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) return;
    uint32_t size = 0;
    std::string frame;
    if (ReadExactly(fd, reinterpret_cast<char*>(&size), 4)) {
      frame.resize(ntohl(size));
      if (!ReadExactly(fd, frame.data(), frame.size())) frame.clear();
    }
    WireReader reader(Bytes(frame));
    Result<RequestHeader> header = DecodeRequestHeaderPrefix(reader);
    if (header.ok() && DecodeRequestHeaderRest(reader, true, &*header).ok()) {
      Result<AlterPartitionRequest> decoded = DecodeAlterPartitionRequest(reader, 1);
      if (decoded.ok()) request = *decoded;
      AlterPartitionResponse response;
      for (const AlterPartitionRequest::Topic& topic : request.topics) {
        AlterPartitionResponse::Topic& out = response.topics.emplace_back();
        out.topic_name = topic.topic_name;
        for (const AlterPartitionRequest::Partition& p : topic.partitions) {
          out.partitions.push_back(
              Answered(p.partition_index, 0, p.new_isr, p.partition_epoch + 1));
        }
      }
      std::string answer;
      WireWriter writer(&answer);
      EncodeResponseHeader(writer, header->correlation_id, true);
      EncodeAlterPartitionResponse(writer, response, 1);
      const uint32_t answer_size = htonl(static_cast<uint32_t>(answer.size()));
      std::string out(reinterpret_cast<const char*>(&answer_size), 4);
      out += answer;
      EXPECT_EQ(send(fd, out.data(), out.size(), MSG_NOSIGNAL), static_cast<ssize_t>(out.size()));
    }
    close(fd);
  }

  int listen_fd_ = -1;
  int port_ = 0;
  std::thread thread_;
};

ClusterSnapshot WithController(int32_t controller_id, int port) {
  ClusterSnapshot snapshot;
  snapshot.controller_id = controller_id;
  snapshot.brokers[2] = ClusterBroker{2, "127.0.0.1", port, std::nullopt};
  return snapshot;
}

TEST(AlterPartitionClientTest, SendsToTheSnapshotsController) {
  FakeController controller;
  testing::FakeClusterView cluster;
  cluster.SetSnapshot(WithController(2, controller.port()));
  std::unique_ptr<AlterPartitionClient> client =
      MakeAlterPartitionClient(1, &cluster, milliseconds(5000));
  Result<std::vector<IsrChangeAnswer>> answers = client->Send(Changes());
  ASSERT_TRUE(answers.ok()) << answers.status().ToString();
  ASSERT_EQ(answers->size(), 3u);
  EXPECT_EQ((*answers)[1].partition, (PartitionId{"b", 2}));
  EXPECT_EQ((*answers)[1].error, ErrorCode::kNone);
  EXPECT_EQ((*answers)[1].state.isr, (std::vector<int32_t>{1, 2, 3}));
  EXPECT_EQ((*answers)[1].state.partition_epoch, 10);
  EXPECT_EQ(controller.request.broker_id, 1);
}

TEST(AlterPartitionClientTest, BusyWithoutAReachableController) {
  testing::FakeClusterView cluster;
  std::unique_ptr<AlterPartitionClient> client =
      MakeAlterPartitionClient(1, &cluster, milliseconds(2000));
  Result<std::vector<IsrChangeAnswer>> answers = client->Send(Changes());
  ASSERT_FALSE(answers.ok());
  EXPECT_TRUE(answers.status().IsBusy()) << "no controller";
  cluster.SetSnapshot(WithController(3, 9));
  EXPECT_TRUE(client->Send(Changes()).status().IsBusy()) << "the controller is not a live broker";
  int port = 0;
  {
    FakeController gone;
    port = gone.port();
  }
  cluster.SetSnapshot(WithController(2, port));
  EXPECT_TRUE(client->Send(Changes()).status().IsBusy()) << "refused";
}

}  // namespace
}  // namespace ringlog
