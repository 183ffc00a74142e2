// AdminWorker: the broker's one thread for topic administration. Creating, deleting or
// growing a topic touches the medium for every partition (directories, files, syncs); for
// thousands of partitions that takes seconds, far too long for an event loop, which must go
// on serving every other connection meanwhile. So the handlers of CreateTopics,
// DeleteTopics, CreatePartitions, AlterConfigs, and of Metadata and Produce requests that
// auto-create a topic, hand their request here and answer from here once it is done (the
// server puts replies back in request order).
//
// One thread running one task at a time in submission order: topic changes take effect in
// the order they arrived, as a Kafka controller applies them.
//
// A task may name topics it will append to (a produce that waits for its topic to be
// created): until the task ends they are pinned, so that a later produce to them can tell
// it must queue behind the task instead of overtaking it.
//
// Thread safety: Submit and IsPinned are thread-safe; Stop is for the owner's thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace ringlog {

class AdminWorker {
 public:
  // Starts the thread.
  AdminWorker();
  // Stop().
  ~AdminWorker();
  AdminWorker(const AdminWorker&) = delete;
  AdminWorker& operator=(const AdminWorker&) = delete;

  // Runs `task` on the worker thread after every task submitted before it, and pins
  // `topics` until it has run. After Stop() the task is destroyed without running.
  void Submit(std::function<void()> task, std::vector<std::string> pinned_topics = {});

  // Whether a task that pinned `topic` is queued or running.
  bool IsPinned(std::string_view topic) const;

  // Lets the running task finish, destroys the queued ones without running them (their
  // requests get no answer: the server stopped before this), and joins the thread.
  // Idempotent.
  void Stop();

 private:
  struct Task {
    std::function<void()> run;
    std::vector<std::string> pinned_topics;
  };

  void Run();
  // REQUIRES: mu_.
  void UnpinLocked(const std::vector<std::string>& topics);

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Task> queue_;
  bool stopping_ = false;
  // Pins per topic, and their total so that IsPinned skips the lock when there is none.
  std::map<std::string, int, std::less<>> pins_;
  std::atomic<int64_t> total_pins_{0};
  std::thread thread_;
};

}  // namespace ringlog
