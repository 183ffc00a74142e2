// FuzzBroker: the real Broker and the services behind it (LogManager, group coordinator
// with its offsets log, fetch wake-ups) over a fresh in-memory backend, with one
// connection whose requests are dispatched on the caller's thread through a FuzzLoop. No
// other thread runs: there is no flusher (acks=all answers once written).
// Each instance starts from the same state — topic "golden" with two partitions and a few
// records — so that an input replays the same way whatever ran before it.
//
// Member ids are random UUIDs that no input can guess, so the id the last JoinGroup
// response handed out replaces each string "@member" (kMemberIdPlaceholder, in the
// non-flexible encoding) of later requests: a session can go on past its JoinGroup.
//
// It checks what the server relies on: every request is answered exactly once (a second
// answer fails a CHECK, and so does one still missing once the destructor has fired every
// timer and closed the coordinator), and every response frame can be read whole.
// Responses are otherwise discarded.
//
// Thread-compatible; one instance at a time per process.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "engine/clock.h"
#include "engine/group/group_coordinator.h"
#include "engine/log/log_manager.h"
#include "engine/log/storage_backend.h"
#include "net/broker/admin_worker.h"
#include "net/broker/broker.h"
#include "net/broker/broker_services.h"
#include "net/broker/partition_watchers.h"
#include "tests/fuzz/fuzz_loop.h"

namespace ringlog::fuzz {

class FuzzBroker {
 public:
  FuzzBroker();
  // Fires every timer, closes the connection, waits for every answer, closes the logs and
  // forgets the backend's data.
  ~FuzzBroker();
  FuzzBroker(const FuzzBroker&) = delete;
  FuzzBroker& operator=(const FuzzBroker&) = delete;

  // Dispatches one request frame (the bytes after its size prefix) and runs the work it
  // posted and handed to the admin worker; time then moves on by 100 ms for the group
  // coordinator. False once the broker
  // asked to close the connection: a real server reads nothing more from it.
  bool Handle(std::string frame);

  // The largest frame the connection accepts (socket.request.max.bytes), kept small so a
  // size prefix cannot make an input allocate much.
  static constexpr int32_t kMaxFrameBytes = 1 << 20;
  static constexpr std::string_view kMemberIdPlaceholder = "@member";

 private:
  struct Answers;

  // Runs posted work, and waits for the admin worker's tasks and runs what they posted,
  // until neither has anything left.
  void RunAll();

  std::string dir_;
  ManualClock clock_;
  std::unique_ptr<StorageBackend> backend_;
  std::unique_ptr<LogManager> logs_;
  std::unique_ptr<GroupCoordinator> groups_;
  PartitionWatchers watchers_;
  // Topic changes run on its thread while this one waits for them (RunAll), so that an input
  // still replays the same way.
  AdminWorker admin_;
  BrokerServices services_;
  std::unique_ptr<Broker> broker_;
  FuzzLoop loop_;
  ConnectionInfo conn_;
  std::shared_ptr<Answers> answers_;
};

}  // namespace ringlog::fuzz
