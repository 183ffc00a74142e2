#include "bench/harness/loadgen/local_cluster.h"

#include <glog/logging.h>

#include <algorithm>
#include <filesystem>
#include <system_error>
#include <thread>

#include "bench/harness/loadgen/kafka_connection.h"
#include "bench/harness/loadgen/topic_admin.h"

namespace ringlog::bench {
namespace {

using std::chrono::steady_clock;

constexpr auto kClusterTimeout = std::chrono::seconds(60);
constexpr auto kPollInterval = std::chrono::milliseconds(50);
// The brokers share one chroot of the private server.
constexpr char kChroot[] = "/ringlog-bench";

}  // namespace

Result<std::unique_ptr<LocalCluster>> LocalCluster::Start(const LocalClusterOptions& options) {
  if (options.brokers < 1) return Status::InvalidArgument("a cluster needs a broker");
  std::unique_ptr<LocalCluster> cluster(new LocalCluster());
  cluster->options_ = options;
  const std::string zookeeper_dir = options.dir + "/zookeeper";
  std::error_code ec;
  std::filesystem::create_directories(zookeeper_dir, ec);
  if (ec) return Status::IOError("create " + zookeeper_dir + ": " + ec.message(), ec.value());
  ASSIGN_OR_RETURN(cluster->zookeeper_, ZooKeeperProcess::Start(zookeeper_dir));
  for (int id = 1; id <= options.brokers; ++id) {
    RETURN_IF_ERROR(cluster->StartBroker(id, /*append_log=*/false));
  }
  RETURN_IF_ERROR(cluster->WaitForCluster(kClusterTimeout));
  return cluster;
}

Status LocalCluster::StartBroker(int32_t id, bool append_log) {
  BrokerOptions b;
  b.binary = options_.binary;
  b.data_dir = options_.dir + "/broker-" + std::to_string(id);
  b.backend = options_.backend;
  b.flags = {"--broker_id=" + std::to_string(id),
             "--zookeeper_connect=" + zookeeper_->connect_string() + kChroot};
  b.flags.insert(b.flags.end(), options_.flags.begin(), options_.flags.end());
  b.append_log = append_log;
  const size_t index = static_cast<size_t>(id - 1);
  if (index == log_paths_.size()) log_paths_.push_back(b.data_dir + ".log");
  ASSIGN_OR_RETURN(std::unique_ptr<BrokerProcess> broker, BrokerProcess::Start(b));
  if (index == brokers_.size()) {
    brokers_.push_back(std::move(broker));
  } else {
    brokers_[index] = std::move(broker);
  }
  return Status::OK();
}

void LocalCluster::KillBroker(int32_t id) { brokers_.at(static_cast<size_t>(id - 1))->Kill(); }

Status LocalCluster::StopBroker(int32_t id) {
  return brokers_.at(static_cast<size_t>(id - 1))->Stop();
}

Status LocalCluster::RestartBroker(int32_t id) {
  if (running(id)) return Status::InvalidArgument("broker " + std::to_string(id) + " runs");
  RETURN_IF_ERROR(StartBroker(id, /*append_log=*/true));
  return WaitForCluster(kClusterTimeout);
}

Result<int32_t> LocalCluster::AddBroker() {
  const int32_t id = broker_count() + 1;
  RETURN_IF_ERROR(StartBroker(id, /*append_log=*/false));
  RETURN_IF_ERROR(WaitForCluster(kClusterTimeout));
  return id;
}

LocalCluster::~LocalCluster() {
  const Status status = Stop();
  if (!status.ok()) LOG(WARNING) << "stopping the cluster: " << status.ToString();
}

Status LocalCluster::Stop() {
  // At once: one by one, each stop would move leaderships to the brokers still running.
  std::vector<Status> stopped(brokers_.size());
  std::vector<std::thread> stoppers;
  for (size_t i = 0; i < brokers_.size(); ++i) {
    stoppers.emplace_back([this, i, &stopped] { stopped[i] = brokers_[i]->Stop(); });
  }
  for (std::thread& t : stoppers) t.join();
  if (zookeeper_ != nullptr) zookeeper_->Kill();
  for (const Status& s : stopped) RETURN_IF_ERROR(s);
  return Status::OK();
}

std::string LocalCluster::bootstrap_servers() const {
  std::string servers;
  for (const std::unique_ptr<BrokerProcess>& b : brokers_) {
    if (!b->running()) continue;
    if (!servers.empty()) servers += ",";
    servers += b->host() + ":" + std::to_string(b->port());
  }
  return servers;
}

std::string LocalCluster::LogPaths() const {
  std::string paths;
  for (const std::string& p : log_paths_) paths += " " + p;
  return paths;
}

Result<std::vector<MetadataAnswer>> LocalCluster::AskEveryBroker(
    const std::vector<std::string>& topics) const {
  std::vector<MetadataAnswer> answers;
  for (const std::unique_ptr<BrokerProcess>& b : brokers_) {
    if (!b->running()) continue;
    ASSIGN_OR_RETURN(std::unique_ptr<KafkaConnection> connection,
                     KafkaConnection::Connect(b->host(), b->port()));
    ASSIGN_OR_RETURN(MetadataAnswer answer, QueryMetadata(*connection, topics));
    answers.push_back(std::move(answer));
  }
  if (answers.empty()) return Status::IOError("no broker runs");
  return answers;
}

Result<MetadataAnswer> LocalCluster::AskRunningBroker(
    const std::vector<std::string>& topics) const {
  for (const std::unique_ptr<BrokerProcess>& b : brokers_) {
    if (!b->running()) continue;
    ASSIGN_OR_RETURN(std::unique_ptr<KafkaConnection> connection,
                     KafkaConnection::Connect(b->host(), b->port()));
    return QueryMetadata(*connection, topics);
  }
  return Status::IOError("no broker runs");
}

Status LocalCluster::WaitForCluster(std::chrono::milliseconds timeout) const {
  std::vector<int32_t> running_ids;
  for (int32_t id = 1; id <= broker_count(); ++id) {
    if (running(id)) running_ids.push_back(id);
  }
  const auto deadline = steady_clock::now() + timeout;
  std::string last = "no answer yet";
  while (steady_clock::now() < deadline) {
    Result<std::vector<MetadataAnswer>> answers = AskEveryBroker({});
    if (answers.ok()) {
      bool formed = true;
      const int32_t controller = answers->front().controller_id;
      for (const MetadataAnswer& a : *answers) {
        std::vector<int32_t> ids;
        for (const BrokerMetadata& b : a.brokers) ids.push_back(b.node_id);
        formed = formed && ids == running_ids && a.controller_id == controller &&
                 std::ranges::find(running_ids, controller) != running_ids.end();
      }
      if (formed) return Status::OK();
      last = std::to_string(answers->front().brokers.size()) + " brokers, controller " +
             std::to_string(controller);
    } else {
      last = answers.status().ToString();
    }
    std::this_thread::sleep_for(kPollInterval);
  }
  return Status::IOError("the cluster did not form (" + last + "); see" + LogPaths());
}

Result<std::vector<PartitionMetadata>> LocalCluster::CreateTopic(const std::string& topic,
                                                                 int32_t partitions,
                                                                 int16_t replication_factor) const {
  {
    ASSIGN_OR_RETURN(std::unique_ptr<KafkaConnection> connection,
                     KafkaConnection::Connect(broker(1).host(), broker(1).port()));
    RETURN_IF_ERROR(bench::CreateTopic(*connection, topic, partitions, replication_factor));
  }
  return WaitForLeaders(topic, partitions);
}

Result<TopicMetadata> LocalCluster::WaitForTopic(const std::string& topic, const TopicCheck& check,
                                                 std::chrono::milliseconds timeout) const {
  const auto deadline = steady_clock::now() + timeout;
  std::string last = "no answer yet";
  while (steady_clock::now() < deadline) {
    Result<std::vector<MetadataAnswer>> answers = AskEveryBroker({topic});
    if (!answers.ok()) {
      last = answers.status().ToString();
    } else {
      last.clear();
      for (const MetadataAnswer& a : *answers) {
        if (a.topics.size() != 1) {
          last = "no topic in the answer";
        } else {
          last = check(a.topics[0]);
        }
        if (!last.empty()) break;
      }
      if (last.empty()) return answers->front().topics[0];
    }
    std::this_thread::sleep_for(kPollInterval);
  }
  return Status::IOError(topic + ": " + last + "; see" + LogPaths());
}

Result<std::vector<PartitionMetadata>> LocalCluster::WaitForLeaders(
    const std::string& topic, int32_t partitions, std::chrono::milliseconds timeout) const {
  const auto deadline = steady_clock::now() + timeout;
  std::string last = "no answer yet";
  while (steady_clock::now() < deadline) {
    Result<std::vector<MetadataAnswer>> answers = AskEveryBroker({topic});
    if (!answers.ok()) {
      last = answers.status().ToString();
    } else {
      bool settled = true;
      const MetadataAnswer& first = answers->front();
      for (const MetadataAnswer& a : *answers) {
        if (a.topics.size() != 1 || a.topics[0].error_code != 0 ||
            a.topics[0].partitions.size() != static_cast<size_t>(partitions)) {
          settled = false;
          last = "topic error " + std::to_string(a.topics.empty() ? -1 : a.topics[0].error_code);
          break;
        }
        for (size_t p = 0; p < a.topics[0].partitions.size(); ++p) {
          const PartitionMetadata& mine = a.topics[0].partitions[p];
          if (mine.error_code != 0 || mine.leader_id < 1 || mine.leader_id > broker_count() ||
              !running(mine.leader_id) ||
              mine.leader_id != first.topics[0].partitions[p].leader_id) {
            settled = false;
            last = "partition " + std::to_string(mine.partition) + ": error " +
                   std::to_string(mine.error_code) + ", leader " + std::to_string(mine.leader_id);
            break;
          }
        }
        if (!settled) break;
      }
      if (settled) return first.topics[0].partitions;
    }
    std::this_thread::sleep_for(kPollInterval);
  }
  return Status::IOError("the partitions of " + topic + " got no leaders (" + last + "); see" +
                         LogPaths());
}

Result<TopicMetadata> LocalCluster::DescribeTopic(const std::string& topic) const {
  ASSIGN_OR_RETURN(MetadataAnswer answer, AskRunningBroker({topic}));
  if (answer.topics.size() != 1) return Status::Corruption("Metadata answered no topic");
  return answer.topics[0];
}

}  // namespace ringlog::bench
