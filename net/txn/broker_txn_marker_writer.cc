#include "net/txn/broker_txn_marker_writer.h"

#include <glog/logging.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "engine/log/log_manager.h"
#include "net/cluster/cluster_view.h"
#include "net/txn/local_marker_append.h"
#include "net/txn/marker_frames.h"
#include "net/txn/marker_test_hook.h"

namespace ringlog {

using SteadyClock = std::chrono::steady_clock;

// One WriteMarkers call: its marker, and how many of its partitions still lack it.
struct BrokerTxnMarkerWriter::Delivery {
  ControlMarker marker;
  std::function<void()> done;
  std::atomic<size_t> remaining{0};
  std::atomic<bool> abandoned{false};
};

// One partition of a Delivery, waiting for its next attempt.
struct BrokerTxnMarkerWriter::Task {
  std::shared_ptr<Delivery> delivery;
  PartitionId partition;
  int attempts = 0;  // failed so far
};

// Shared with the callbacks of local appends, which may end after the writer is gone.
struct BrokerTxnMarkerWriter::State {
  explicit State(const TxnMarkerWriterOptions& opts) : options(opts) {}

  void Enqueue(Task task, SteadyClock::time_point due) {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (stopped) return;
      tasks.emplace(due, std::move(task));
    }
    cv.notify_one();
  }

  // The outcome of one attempt at `task`'s partition: done, abandoned, or due again later.
  void Settle(Task task, ErrorCode error) {
    Delivery& delivery = *task.delivery;
    const ControlMarker& marker = delivery.marker;
    if (error == ErrorCode::kNone) {
      if (delivery.remaining.fetch_sub(1, std::memory_order_acq_rel) == 1 &&
          !delivery.abandoned.load(std::memory_order_acquire)) {
        delivery.done();
      }
      return;
    }
    if (error == ErrorCode::kInvalidProducerEpoch ||
        error == ErrorCode::kTransactionCoordinatorFenced) {
      if (!delivery.abandoned.exchange(true, std::memory_order_acq_rel)) {
        LOG(WARNING) << "transaction markers of producer " << marker.producer_id << " epoch "
                     << marker.producer_epoch << " (coordinator epoch " << marker.coordinator_epoch
                     << ") abandoned: " << task.partition.ToString() << " answered error "
                     << ToWire(error);
      }
      return;
    }
    // The first failure and every tenth after it are logged; the backoff grows anyway.
    if (task.attempts % 10 == 0) {
      LOG(WARNING) << "transaction marker of producer " << marker.producer_id << " for "
                   << task.partition.ToString() << " not written (error " << ToWire(error)
                   << ", attempt " << task.attempts + 1 << "); retrying";
    }
    const int doublings = std::min(task.attempts, 20);
    const auto backoff =
        std::min(options.max_backoff, options.initial_backoff * (int64_t{1} << doublings));
    ++task.attempts;
    Enqueue(std::move(task), SteadyClock::now() + backoff);
  }

  const TxnMarkerWriterOptions options;
  std::mutex mu;
  std::condition_variable cv;
  std::multimap<SteadyClock::time_point, Task> tasks;  // by when each is due
  bool stopped = false;
};

BrokerTxnMarkerWriter::BrokerTxnMarkerWriter(const BrokerServices* services,
                                             TxnMarkerWriterOptions options)
    : services_(services),
      state_(std::make_shared<State>(options)),
      test_markers_limit_(TxnMarkersLimitFromEnvironment()) {
  worker_ = std::thread([this] { Run(); });
}

BrokerTxnMarkerWriter::~BrokerTxnMarkerWriter() { Stop(); }

void BrokerTxnMarkerWriter::Stop() {
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    state_->stopped = true;
    state_->tasks.clear();
  }
  state_->cv.notify_all();
  if (worker_.joinable()) worker_.join();
}

void BrokerTxnMarkerWriter::WriteMarkers(TxnMarkerRequest request, std::function<void()> done) {
  if (test_markers_limit_) {
    LOG(WARNING) << "TEST HOOK: markers of producer " << request.producer_id << " go to "
                 << std::min(*test_markers_limit_, request.partitions.size()) << " of "
                 << request.partitions.size() << " partitions; the transaction stays prepared";
    if (request.partitions.size() > *test_markers_limit_) {
      request.partitions.resize(*test_markers_limit_);
    }
    done = [] {};
  }
  if (request.partitions.empty()) {
    done();
    return;
  }
  auto delivery = std::make_shared<Delivery>();
  delivery->marker = ControlMarker{request.producer_id, request.producer_epoch, request.type,
                                   request.coordinator_epoch};
  delivery->done = std::move(done);
  delivery->remaining.store(request.partitions.size(), std::memory_order_relaxed);
  const SteadyClock::time_point now = SteadyClock::now();
  for (PartitionId& partition : request.partitions) {
    state_->Enqueue(Task{delivery, std::move(partition)}, now);
  }
}

void BrokerTxnMarkerWriter::Run() {
  std::unique_lock<std::mutex> lock(state_->mu);
  while (!state_->stopped) {
    if (state_->tasks.empty()) {
      state_->cv.wait(lock);
      continue;
    }
    const SteadyClock::time_point now = SteadyClock::now();
    const SteadyClock::time_point first_due = state_->tasks.begin()->first;
    if (first_due > now) {
      state_->cv.wait_until(lock, first_due);
      continue;
    }
    std::vector<Task> due;
    while (!state_->tasks.empty() && state_->tasks.begin()->first <= now) {
      due.push_back(std::move(state_->tasks.begin()->second));
      state_->tasks.erase(state_->tasks.begin());
    }
    lock.unlock();

    std::map<int32_t, std::pair<Route, std::vector<Task>>> remote;
    for (Task& task : due) {
      Route route = Locate(task.partition);
      switch (route.kind) {
        case Route::Kind::kGone:
          LOG(INFO) << "transaction marker of producer " << task.delivery->marker.producer_id
                    << " for " << task.partition.ToString()
                    << " skipped: the partition no longer exists";
          state_->Settle(std::move(task), ErrorCode::kNone);
          break;
        case Route::Kind::kUnknown:
          state_->Settle(std::move(task), ErrorCode::kLeaderNotAvailable);
          break;
        case Route::Kind::kLocal: {
          const PartitionId partition = task.partition;
          const ControlMarker marker = task.delivery->marker;
          AppendLocalMarker(*services_, partition, marker,
                            [state = state_, task = std::move(task)](ErrorCode error) mutable {
                              state->Settle(std::move(task), error);
                            });
          break;
        }
        case Route::Kind::kRemote: {
          auto& [where, tasks] = remote[route.broker];
          where = route;
          tasks.push_back(std::move(task));
          break;
        }
      }
    }
    for (auto& entry : remote) SendRemote(entry.second.first, std::move(entry.second.second));
    lock.lock();
  }
}

BrokerTxnMarkerWriter::Route BrokerTxnMarkerWriter::Locate(const PartitionId& partition) const {
  Route route;
  if (services_->cluster == nullptr) {
    route.kind = services_->logs->GetPartition(partition) != nullptr ? Route::Kind::kLocal
                                                                     : Route::Kind::kGone;
    return route;
  }
  const std::shared_ptr<const ClusterSnapshot> snapshot = services_->cluster->Snapshot();
  // No metadata yet (an empty snapshot), or a topic it cannot read: not known to be gone.
  if (snapshot->brokers.empty() || snapshot->unreadable_topics.contains(partition.topic)) {
    return route;
  }
  const ClusterPartition* found = snapshot->FindPartition(partition.topic, partition.partition);
  if (found == nullptr) {
    route.kind = Route::Kind::kGone;
    return route;
  }
  const int32_t leader = found->state.leader;
  if (leader < 0) return route;
  if (leader == services_->config.node_id) {
    route.kind = Route::Kind::kLocal;
    return route;
  }
  const ClusterBroker* broker = snapshot->FindBroker(leader);
  if (broker == nullptr) return route;
  route.kind = Route::Kind::kRemote;
  route.broker = leader;
  route.host = broker->host;
  route.port = broker->port;
  return route;
}

void BrokerTxnMarkerWriter::SendRemote(const Route& route, std::vector<Task> tasks) {
  // One entry per delivery; a second delivery of the same producer waits for the next
  // request, since the leader answers by producer id.
  std::vector<MarkerBatchEntry> entries;
  std::vector<std::vector<Task>> entry_tasks;
  std::map<int64_t, std::pair<const Delivery*, size_t>> by_producer;  // -> its entry
  for (Task& task : tasks) {
    const Delivery* delivery = task.delivery.get();
    auto [it, added] =
        by_producer.try_emplace(delivery->marker.producer_id, delivery, entries.size());
    if (it->second.first != delivery) {
      state_->Enqueue(std::move(task), SteadyClock::now());
      continue;
    }
    if (added) {
      entries.push_back({delivery->marker, {}});
      entry_tasks.emplace_back();
    }
    entries[it->second.second].partitions.push_back(task.partition);
    entry_tasks[it->second.second].push_back(std::move(task));
  }
  std::unique_ptr<ControllerChannel>& channel = channels_[route.broker];
  if (channel == nullptr) channel = std::make_unique<ControllerChannel>();
  const std::string frame = EncodeWriteTxnMarkersFrame(next_correlation_id_++, entries);
  Result<std::string> response =
      channel->Exchange(route.host, route.port, frame, state_->options.request_timeout);
  Result<std::vector<std::vector<ErrorCode>>> answers =
      response.ok() ? DecodeWriteTxnMarkersAnswers(*response, entries) : response.status();
  if (!answers.ok()) {
    LOG(WARNING) << "WriteTxnMarkers to broker " << route.broker << " at " << route.host << ":"
                 << route.port << " failed: " << answers.status().ToString();
  }
  for (size_t e = 0; e < entries.size(); ++e) {
    for (size_t p = 0; p < entry_tasks[e].size(); ++p) {
      state_->Settle(std::move(entry_tasks[e][p]),
                     answers.ok() ? (*answers)[e][p] : ErrorCode::kRequestTimedOut);
    }
  }
}

}  // namespace ringlog
