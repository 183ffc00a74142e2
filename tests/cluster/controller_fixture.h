// The controller tests' fixture: a private chroot of the shared ZooKeeper, brokers faked by
// ephemeral /brokers/ids/<id> nodes of the test's own session, and controllers each in a
// session of its own whose watches wake it. Test code only.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "net/cluster/controller.h"
#include "net/cluster/znodes.h"
#include "tests/support/zookeeper_server.h"

namespace ringlog::testing {

// Polls `condition` for up to ten seconds: ZooKeeper's watches are asynchronous.
inline bool Eventually(const std::function<bool()>& condition) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return condition();
}

// Passes every watch of a session to the controller living in it.
class Forwarder final : public ZkListener {
 public:
  void Attach(Controller* controller) {
    std::lock_guard lock(mu_);
    controller_ = controller;
  }
  void OnWatch(const std::string&) override { Wake(); }
  void OnSessionExpired() override { Wake(); }

 private:
  void Wake() {
    std::lock_guard lock(mu_);
    if (controller_ != nullptr) controller_->Notify();
  }
  std::mutex mu_;
  Controller* controller_ = nullptr;
};

// One broker's session and its controller.
struct Node {
  std::unique_ptr<Forwarder> listener = std::make_unique<Forwarder>();
  std::shared_ptr<ZkClient> zk;
  std::unique_ptr<Controller> controller;

  ~Node() {
    listener->Attach(nullptr);
    controller.reset();
    zk.reset();
  }
};

class ControllerFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    connect_ = ZooKeeperServer::Shared().NewChroot("controller");
    admin_ = ConnectRaw(nullptr);
  }

  std::unique_ptr<ZkClient> ConnectRaw(ZkListener* listener) {
    ZkClientOptions options;
    options.connect = connect_;
    options.session_timeout_ms = 2000;
    options.connection_timeout_ms = 10000;
    Result<std::unique_ptr<ZkClient>> zk = ZkClient::Connect(options, listener);
    EXPECT_TRUE(zk.ok()) << zk.status().ToString();
    return zk.ok() ? std::move(*zk) : nullptr;
  }

  // A broker's session with a started controller; the placement draws 0 for a fixed layout.
  std::unique_ptr<Node> StartNode(int32_t broker_id) {
    auto node = std::make_unique<Node>();
    node->zk = ConnectRaw(node->listener.get());
    ControllerOptions options;
    options.broker_id = broker_id;
    options.default_partitions = 3;
    options.random = [](int32_t) { return 0; };
    node->controller = std::make_unique<Controller>(node->zk, options);
    node->listener->Attach(node->controller.get());
    node->controller->Start();
    return node;
  }

  // Registers fake brokers: ephemeral nodes of the test's own session.
  void Register(int32_t broker_id) {
    ASSERT_TRUE(admin_->CreateRecursive(std::string(znodes::kBrokerIds)).ok());
    znodes::BrokerRegistration broker{
        .broker_id = broker_id, .host = "127.0.0.1", .port = 9092 + broker_id};
    ZkStatus made = admin_->Create(znodes::BrokerPath(broker_id),
                                   znodes::EncodeBrokerRegistration(broker), true);
    ASSERT_TRUE(made.ok()) << made.message;
  }

  int32_t StoredEpoch() {
    std::string text;
    ZkStat stat;
    if (!admin_->Get(std::string(znodes::kControllerEpoch), &text, &stat, false).ok()) return -1;
    Result<int32_t> epoch = znodes::DecodeControllerEpoch(text);
    return epoch.ok() ? *epoch : -1;
  }

  bool NodeExists(const std::string& path) {
    ZkStat stat;
    return admin_->Exists(path, &stat, false).ok();
  }

  // The partition's state; leader -2 while it has none (or it does not decode).
  znodes::PartitionState State(const std::string& topic, int32_t partition) {
    std::string json;
    ZkStat stat;
    if (!admin_->Get(znodes::PartitionStatePath(topic, partition), &json, &stat, false).ok()) {
      return {.leader = -2};
    }
    Result<znodes::PartitionState> state = znodes::DecodePartitionState(json);
    return state.ok() ? *state : znodes::PartitionState{.leader = -2};
  }

  int32_t Leader(const std::string& topic, int32_t partition) {
    return State(topic, partition).leader;
  }

  znodes::TopicAssignment Assignment(const std::string& topic) {
    std::string json;
    ZkStat stat;
    EXPECT_TRUE(admin_->Get(znodes::TopicPath(topic), &json, &stat, false).ok());
    Result<znodes::TopicAssignment> assignment = znodes::DecodeTopicAssignment(json);
    EXPECT_TRUE(assignment.ok()) << assignment.status().ToString();
    return assignment.ok() ? *assignment : znodes::TopicAssignment{};
  }

  static Controller* WaitForActive(const std::vector<Node*>& nodes) {
    Controller* active = nullptr;
    Eventually([&] {
      active = nullptr;
      for (Node* node : nodes) {
        if (node->controller->active()) active = node->controller.get();
      }
      return active != nullptr;
    });
    return active;
  }

  std::string connect_;
  std::unique_ptr<ZkClient> admin_;
};

}  // namespace ringlog::testing
