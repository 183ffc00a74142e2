#include "net/metrics/broker_metrics.h"

#include <dirent.h>
#include <sys/resource.h>

#include <map>
#include <memory>
#include <vector>

#include "engine/group/group_coordinator.h"
#include "net/cluster/cluster_view.h"
#include "net/metrics/isr_counters.h"
#include "net/metrics/prometheus_text.h"

namespace ringlog {
namespace {

constexpr double kNanosToSeconds = 1e-9;

std::string ApiLabel(int16_t key) { return std::string(ApiName(key)); }

void RequestFamilies(const RequestMetrics::Totals& totals, PrometheusText& out) {
  out.Family("ringlog_requests_total", "counter", "Requests answered, per API.");
  for (const auto& [key, api] : totals.apis) {
    out.Sample("ringlog_requests_total", {{"api", ApiLabel(key)}},
               static_cast<double>(api.requests));
  }
  out.Family("ringlog_request_errors_total", "counter",
             "Error codes in responses (one per partition or entity that has one), per API and "
             "Kafka error code.");
  for (const auto& [key, api] : totals.apis) {
    for (const auto& [code, n] : api.errors) {
      out.Sample("ringlog_request_errors_total",
                 {{"api", ApiLabel(key)}, {"code", std::to_string(code)}}, static_cast<double>(n));
    }
  }
  out.Family("ringlog_request_duration_seconds", "histogram",
             "Time from a request's arrival to its response, per API.");
  for (const auto& [key, api] : totals.apis) {
    out.Histogram("ringlog_request_duration_seconds", {{"api", ApiLabel(key)}}, api.latency,
                  LatencyBoundsNanos(), kNanosToSeconds);
  }
  out.Family("ringlog_connections_accepted_total", "counter", "Client connections accepted.");
  out.Sample("ringlog_connections_accepted_total", {},
             static_cast<double>(totals.connections_opened));
  out.Family("ringlog_connections_closed_total", "counter", "Client connections closed.");
  out.Sample("ringlog_connections_closed_total", {},
             static_cast<double>(totals.connections_closed));
  out.Family("ringlog_connections", "gauge", "Client connections open now.");
  out.Sample("ringlog_connections", {},
             static_cast<double>(totals.connections_opened - totals.connections_closed));

  struct TopicCounter {
    const char* name;
    const char* help;
    uint64_t RequestMetrics::TopicTraffic::*value;
  };
  static constexpr TopicCounter kTopicCounters[] = {
      {"ringlog_topic_bytes_in_total", "Record batch bytes appended by Produce, per topic.",
       &RequestMetrics::TopicTraffic::bytes_in},
      {"ringlog_topic_records_in_total", "Records appended by Produce, per topic.",
       &RequestMetrics::TopicTraffic::records_in},
      {"ringlog_topic_bytes_out_total",
       "Record bytes sent by Fetch (consumers and followers), per topic.",
       &RequestMetrics::TopicTraffic::bytes_out},
      {"ringlog_topic_records_out_total",
       "Offsets sent by Fetch (consumers and followers), per topic: records, control records "
       "included.",
       &RequestMetrics::TopicTraffic::records_out},
  };
  for (const TopicCounter& counter : kTopicCounters) {
    out.Family(counter.name, "counter", counter.help);
    for (const auto& [topic, t] : totals.topics) {
      out.Sample(counter.name, {{"topic", topic}}, static_cast<double>(t.*counter.value));
    }
  }
}

struct PartitionFacts {
  MetricLabels labels;
  double log_start, log_end, high_watermark, size;
};

void PartitionFamilies(const LogManager& logs, PrometheusText& out) {
  std::vector<PartitionFacts> facts;
  for (const TopicInfo& topic : logs.ListTopics()) {
    for (int32_t p = 0; p < topic.partitions; ++p) {
      std::shared_ptr<PartitionLog> log = logs.GetPartition(PartitionId{topic.name, p});
      if (log == nullptr) continue;  // a cluster broker holds only its replicas
      facts.push_back(PartitionFacts{{{"topic", topic.name}, {"partition", std::to_string(p)}},
                                     static_cast<double>(log->log_start_offset()),
                                     static_cast<double>(log->log_end_offset()),
                                     static_cast<double>(log->high_watermark()),
                                     static_cast<double>(log->size_bytes())});
    }
  }
  out.Family("ringlog_partition_log_start_offset", "gauge",
             "First offset of each local partition.");
  for (const PartitionFacts& f : facts) {
    out.Sample("ringlog_partition_log_start_offset", f.labels, f.log_start);
  }
  out.Family("ringlog_partition_log_end_offset", "gauge",
             "Offset the next record of each local partition gets.");
  for (const PartitionFacts& f : facts) {
    out.Sample("ringlog_partition_log_end_offset", f.labels, f.log_end);
  }
  out.Family("ringlog_partition_high_watermark", "gauge",
             "High watermark of each local partition (what consumers may read up to).");
  for (const PartitionFacts& f : facts) {
    out.Sample("ringlog_partition_high_watermark", f.labels, f.high_watermark);
  }
  out.Family("ringlog_partition_size_bytes", "gauge", "Bytes of each local partition's log.");
  for (const PartitionFacts& f : facts)
    out.Sample("ringlog_partition_size_bytes", f.labels, f.size);
}

void GroupFamilies(const GroupCoordinator& groups, const LogManager& logs, PrometheusText& out) {
  struct OffsetFact {
    MetricLabels labels;
    double committed;
    std::optional<double> lag;
  };
  std::vector<GroupListing> listings = groups.ListGroups();
  std::vector<OffsetFact> offsets;
  for (const GroupListing& group : listings) {
    for (const auto& [partition, committed] : groups.FetchAllOffsets(group.group_id)) {
      OffsetFact fact{{{"group", group.group_id},
                       {"topic", partition.topic},
                       {"partition", std::to_string(partition.partition)}},
                      static_cast<double>(committed.offset),
                      std::nullopt};
      // Lag needs the partition's high watermark, known here only for a local replica.
      if (std::shared_ptr<PartitionLog> log = logs.GetPartition(partition)) {
        fact.lag = static_cast<double>(log->high_watermark() - committed.offset);
      }
      offsets.push_back(std::move(fact));
    }
  }
  out.Family("ringlog_consumer_group_committed_offset", "gauge",
             "Offset each group committed, per partition (groups coordinated here).");
  for (const OffsetFact& f : offsets) {
    out.Sample("ringlog_consumer_group_committed_offset", f.labels, f.committed);
  }
  out.Family("ringlog_consumer_group_lag", "gauge",
             "High watermark minus the group's committed offset, per partition (partitions "
             "with a replica on this broker).");
  for (const OffsetFact& f : offsets) {
    if (f.lag) out.Sample("ringlog_consumer_group_lag", f.labels, *f.lag);
  }
  out.Family("ringlog_consumer_group_state", "gauge",
             "1 for each group's current state (Empty, PreparingRebalance, "
             "CompletingRebalance, Stable, Dead).");
  for (const GroupListing& group : listings) {
    out.Sample("ringlog_consumer_group_state",
               {{"group", group.group_id}, {"state", std::string(GroupStateName(group.state))}}, 1);
  }
}

void FlushFamilies(const Flusher& flusher, PrometheusText& out) {
  out.Family("ringlog_flush_duration_seconds", "histogram",
             "Time of each group-commit flush (fdatasync or WAL sync) of a partition.");
  out.Histogram("ringlog_flush_duration_seconds", {}, flusher.flush_latency().Read(),
                LatencyBoundsNanos(), kNanosToSeconds);
  out.Family("ringlog_flush_batch_requests", "histogram",
             "Flush requests (acks=all produces, offset commits) answered by one flush: the "
             "group commit's size.");
  out.Histogram("ringlog_flush_batch_requests", {}, flusher.flush_batch_requests().Read(),
                PowerOfTwoBounds(), 1.0);
}

void ReplicationFamilies(const BrokerServices& services, PrometheusText& out) {
  double under_replicated = 0;
  double offline = 0;
  double controller = 0;
  if (services.cluster != nullptr) {
    std::shared_ptr<const ClusterSnapshot> snapshot = services.cluster->Snapshot();
    controller = snapshot->controller_id == services.config.node_id ? 1 : 0;
    for (const auto& [name, topic] : snapshot->topics) {
      for (const ClusterPartition& partition : topic.partitions) {
        // Kafka counts a partition under-replicated on its leader, offline on the controller.
        if (partition.state.leader == services.config.node_id &&
            partition.state.isr.size() < partition.replicas.size()) {
          ++under_replicated;
        }
        if (controller == 1 && partition.state.leader < 0) ++offline;
      }
    }
  } else {
    controller = 1;  // the single broker is its own controller
  }
  out.Family("ringlog_under_replicated_partitions", "gauge",
             "Partitions led by this broker whose ISR is smaller than their replica set.");
  out.Sample("ringlog_under_replicated_partitions", {}, under_replicated);
  out.Family("ringlog_offline_partitions", "gauge",
             "Partitions without a leader (reported by the controller only).");
  out.Sample("ringlog_offline_partitions", {}, offline);
  out.Family("ringlog_is_controller", "gauge", "1 when this broker is the cluster's controller.");
  out.Sample("ringlog_is_controller", {}, controller);
  const IsrChangeCounts isr = ReadIsrChangeCounts();
  out.Family("ringlog_isr_shrinks_total", "counter", "ISR shrinks of partitions led here.");
  out.Sample("ringlog_isr_shrinks_total", {}, static_cast<double>(isr.shrinks));
  out.Family("ringlog_isr_expands_total", "counter", "ISR expands of partitions led here.");
  out.Sample("ringlog_isr_expands_total", {}, static_cast<double>(isr.expands));
}

void FileDescriptorFamilies(PrometheusText& out) {
  double open = 0;
  if (DIR* dir = opendir("/proc/self/fd")) {
    while (dirent* entry = readdir(dir)) {
      if (entry->d_name[0] != '.') ++open;
    }
    closedir(dir);
    --open;  // the directory's own descriptor
  }
  out.Family("ringlog_open_fds", "gauge", "File descriptors the process has open.");
  out.Sample("ringlog_open_fds", {}, open);
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    out.Family("ringlog_max_fds", "gauge", "The process's open file limit (soft).");
    out.Sample("ringlog_max_fds", {}, static_cast<double>(limit.rlim_cur));
  }
}

}  // namespace

std::string RenderBrokerMetrics(const BrokerServices& services, const RequestMetrics* requests) {
  PrometheusText out;
  if (requests != nullptr) RequestFamilies(requests->Read(), out);
  if (services.logs != nullptr) PartitionFamilies(*services.logs, out);
  if (services.groups != nullptr && services.logs != nullptr) {
    GroupFamilies(*services.groups, *services.logs, out);
  }
  if (services.flusher != nullptr) FlushFamilies(*services.flusher, out);
  ReplicationFamilies(services, out);
  FileDescriptorFamilies(out);
  return out.Take();
}

}  // namespace ringlog
