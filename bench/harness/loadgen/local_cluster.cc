#include "bench/harness/loadgen/local_cluster.h"

#include <glog/logging.h>

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
  const std::string zookeeper_dir = options.dir + "/zookeeper";
  std::error_code ec;
  std::filesystem::create_directories(zookeeper_dir, ec);
  if (ec) return Status::IOError("create " + zookeeper_dir + ": " + ec.message(), ec.value());
  ASSIGN_OR_RETURN(cluster->zookeeper_, ZooKeeperProcess::Start(zookeeper_dir));
  for (int id = 1; id <= options.brokers; ++id) {
    BrokerOptions b;
    b.binary = options.binary;
    b.data_dir = options.dir + "/broker-" + std::to_string(id);
    b.backend = options.backend;
    b.flags = {"--broker_id=" + std::to_string(id),
               "--zookeeper_connect=" + cluster->zookeeper_->connect_string() + kChroot};
    b.flags.insert(b.flags.end(), options.flags.begin(), options.flags.end());
    cluster->log_paths_.push_back(b.data_dir + ".log");
    ASSIGN_OR_RETURN(std::unique_ptr<BrokerProcess> broker, BrokerProcess::Start(b));
    cluster->brokers_.push_back(std::move(broker));
  }
  RETURN_IF_ERROR(cluster->WaitForCluster(kClusterTimeout));
  return cluster;
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
    ASSIGN_OR_RETURN(std::unique_ptr<KafkaConnection> connection,
                     KafkaConnection::Connect(b->host(), b->port()));
    ASSIGN_OR_RETURN(MetadataAnswer answer, QueryMetadata(*connection, topics));
    answers.push_back(std::move(answer));
  }
  return answers;
}

Status LocalCluster::WaitForCluster(std::chrono::milliseconds timeout) const {
  const auto deadline = steady_clock::now() + timeout;
  std::string last = "no answer yet";
  while (steady_clock::now() < deadline) {
    Result<std::vector<MetadataAnswer>> answers = AskEveryBroker({});
    if (answers.ok()) {
      bool formed = true;
      const int32_t controller = answers->front().controller_id;
      for (const MetadataAnswer& a : *answers) {
        formed = formed && a.brokers.size() == brokers_.size() && a.controller_id >= 0 &&
                 a.controller_id == controller;
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
          if (mine.error_code != 0 || mine.leader_id < 1 ||
              mine.leader_id > static_cast<int32_t>(brokers_.size()) ||
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
  ASSIGN_OR_RETURN(std::unique_ptr<KafkaConnection> connection,
                   KafkaConnection::Connect(broker(1).host(), broker(1).port()));
  ASSIGN_OR_RETURN(MetadataAnswer answer, QueryMetadata(*connection, {topic}));
  if (answer.topics.size() != 1) return Status::Corruption("Metadata answered no topic");
  return answer.topics[0];
}

}  // namespace ringlog::bench
