// A broker for the transaction-marker tests: its own storage (a test backend, behind a
// FaultBackend for fault injection), logs, flusher and services, optionally behind the
// real Server on loopback; and a reader of the markers a partition holds.
// Header-only; test code only.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "engine/clock.h"
#include "engine/log/control_batch.h"
#include "engine/log/flusher.h"
#include "engine/log/log_manager.h"
#include "engine/log/record_batch.h"
#include "net/broker/admin_worker.h"
#include "net/broker/broker.h"
#include "net/broker/partition_watchers.h"
#include "net/server/server.h"
#include "tests/net/server_test_util.h"
#include "tests/support/fault_backend.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_backends.h"

namespace ringlog::testing {

class TxnTestBroker {
 public:
  // Opens backend `backend_name`; serves on loopback when `serve`.
  TxnTestBroker(const std::string& backend_name, int32_t node_id) {
    auto backend = FaultBackend::Open(
        [this, backend_name] { return OpenTestBackend(backend_name, dir_.path()); });
    EXPECT_TRUE(backend.ok()) << backend.status().ToString();
    backend_ = std::move(*backend);
    auto logs = LogManager::Open(backend_.get(), {}, SystemClock::Get());
    EXPECT_TRUE(logs.ok()) << logs.status().ToString();
    logs_ = std::move(*logs);
    flusher_ = std::make_unique<Flusher>(1);
    services.config.node_id = node_id;
    services.logs = logs_.get();
    services.flusher = flusher_.get();
    services.watchers = &watchers_;
    services.admin = &admin_;
    services.clock = SystemClock::Get();
  }
  ~TxnTestBroker() {
    if (server_ != nullptr) server_->Stop();
    admin_.Stop();
    flusher_.reset();
    EXPECT_TRUE(logs_->Close().ok());
  }

  // Starts the Server; returns its port. Set `services` before.
  uint16_t Serve() {
    broker_ = std::make_unique<Broker>(&services);
    server_ = std::make_unique<Server>(LoopbackOptions(), broker_.get());
    EXPECT_TRUE(server_->Start().ok());
    return server_->bound_port();
  }

  LogManager& logs() { return *logs_; }
  FaultBackend& backend() { return *backend_; }

  // The markers of the control batches in `partition`, oldest first.
  std::vector<ControlMarker> Markers(const PartitionId& partition) {
    std::vector<ControlMarker> markers;
    std::shared_ptr<PartitionLog> log = logs_->GetPartition(partition);
    EXPECT_NE(log, nullptr) << partition.ToString();
    if (log == nullptr) return markers;
    Result<ReadResult> read = log->Read(0, 1 << 20, ReadBound::kLogEnd);
    EXPECT_TRUE(read.ok()) << read.status().ToString();
    if (!read.ok()) return markers;
    Result<std::string> bytes = CopyReadBytes(*read);
    EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
    if (!bytes.ok()) return markers;
    BatchIterator it(
        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes->data()), bytes->size()));
    while (std::optional<RecordBatchView> batch = it.Next()) {
      if (!batch->header().is_control()) continue;
      Result<ControlMarker> marker = ParseControlBatch(batch->bytes());
      EXPECT_TRUE(marker.ok()) << marker.status().ToString();
      if (marker.ok()) markers.push_back(*marker);
    }
    return markers;
  }

  BrokerServices services;

 private:
  TempDir dir_;
  std::unique_ptr<FaultBackend> backend_;
  std::unique_ptr<LogManager> logs_;
  std::unique_ptr<Flusher> flusher_;
  PartitionWatchers watchers_;
  AdminWorker admin_;
  std::unique_ptr<Broker> broker_;
  std::unique_ptr<Server> server_;
};

}  // namespace ringlog::testing
