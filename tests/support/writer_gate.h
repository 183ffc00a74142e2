// WriterGate: holds a write-behind backend's writer thread inside one written callback,
// so that tests can queue batches behind it and decide when the writer goes on, without
// sleeping. A callback that runs on the thread that made the gate (a backend that writes
// in the Append call) passes straight through, so the same test runs on every backend.
//
// Thread-safe. The destructor opens the gate and waits for a held callback to leave, so a
// test that fails early does not leave the writer stuck.
#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>
#include <utility>

#include "engine/log/segment.h"

namespace ringlog::testing {

class WriterGate {
 public:
  WriterGate() = default;
  ~WriterGate() {
    Open();
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return inside_ == 0; });
  }
  WriterGate(const WriterGate&) = delete;
  WriterGate& operator=(const WriterGate&) = delete;

  // `then`, behind the gate: on another thread it waits until Open().
  Segment::WrittenCallback Wrap(Segment::WrittenCallback then) {
    return [this, then = std::move(then)](Status status) {
      if (std::this_thread::get_id() != owner_) {
        std::unique_lock lock(mu_);
        ++inside_;
        held_ = true;
        cv_.notify_all();
        cv_.wait(lock, [&] { return open_; });
        --inside_;
        cv_.notify_all();
      }
      then(std::move(status));
    };
  }

  // Waits until a wrapped callback is held on another thread.
  void WaitHeld() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return held_; });
  }

  void Open() {
    std::lock_guard lock(mu_);
    open_ = true;
    cv_.notify_all();
  }

 private:
  const std::thread::id owner_ = std::this_thread::get_id();
  std::mutex mu_;
  std::condition_variable cv_;
  bool held_ = false;
  bool open_ = false;
  int inside_ = 0;
};

}  // namespace ringlog::testing
