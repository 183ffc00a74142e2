// BrokerTxnMarkerWriter: the broker's TxnMarkerWriter (Kafka's
// TransactionMarkerChannelManager). Each partition of a request goes to its current
// leader: appended here (net/txn/local_marker_append.h) when this broker leads it, else
// sent to the leader in a WriteTxnMarkers request, one request per leader for whatever is
// due for it. A partition is retried, with exponential backoff, until its leader appended
// the marker; one whose topic (or partition) the broker's metadata no longer has counts as
// done, as Kafka skips it. The single broker (no cluster) leads every partition it has.
//
// A partition that answers INVALID_PRODUCER_EPOCH or TRANSACTION_COORDINATOR_FENCED
// abandons its request, as Kafka does: a newer producer or coordinator has taken over, and
// the request's `done` never runs.
//
// The test hook of net/txn/marker_test_hook.h, read from the environment at construction,
// may cut requests short; it is off unless its variable is set.
//
// One thread of its own routes and sends; local appends finish on flusher or replication
// threads, and `done` runs on whichever thread settled the last partition.
//
// Thread safety: thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "engine/txn/txn_marker_writer.h"
#include "net/broker/broker_services.h"
#include "net/cluster/controller_channel.h"

namespace ringlog {

struct TxnMarkerWriterOptions {
  // The first retry of a partition waits this long; each next one twice as long, up to
  // max_backoff.
  std::chrono::milliseconds initial_backoff{100};
  std::chrono::milliseconds max_backoff{5000};
  // One WriteTxnMarkers exchange with a leader: above the leader's wait for its ISR (30 s).
  std::chrono::milliseconds request_timeout{40000};
};

class BrokerTxnMarkerWriter final : public TxnMarkerWriter {
 public:
  // `services` (its logs, cluster, replication, flusher, groups) must outlive the writer.
  explicit BrokerTxnMarkerWriter(const BrokerServices* services,
                                 TxnMarkerWriterOptions options = {});
  ~BrokerTxnMarkerWriter() override;
  BrokerTxnMarkerWriter(const BrokerTxnMarkerWriter&) = delete;
  BrokerTxnMarkerWriter& operator=(const BrokerTxnMarkerWriter&) = delete;

  void WriteMarkers(TxnMarkerRequest request, std::function<void()> done) override;

  // Stops the thread. Markers not yet written are dropped and their `done` never runs (the
  // coordinator replays its Prepare* states when it loads its partition again); local
  // appends already started may still finish. Idempotent; the destructor calls it.
  void Stop();

 private:
  struct Delivery;
  struct Task;
  struct State;
  // Where a partition's marker goes now.
  struct Route {
    enum class Kind { kGone, kUnknown, kLocal, kRemote } kind = Kind::kUnknown;
    int32_t broker = -1;  // kRemote
    std::string host;
    int32_t port = -1;
  };

  void Run();
  Route Locate(const PartitionId& partition) const;
  // Sends the tasks due for broker `route.broker` in as few requests as the one-entry-per-
  // producer rule allows.
  void SendRemote(const Route& route, std::vector<Task> tasks);

  const BrokerServices* const services_;
  const std::shared_ptr<State> state_;
  // The test hook's partition limit; nullopt (always, outside the crash tests): none.
  const std::optional<size_t> test_markers_limit_;
  // The worker's connections, by broker id; used by the worker thread only.
  std::map<int32_t, std::unique_ptr<ControllerChannel>> channels_;
  int32_t next_correlation_id_ = 1;
  std::thread worker_;
};

}  // namespace ringlog
