#include "backends/uring/segment_writer.h"

namespace ringlog {

SegmentWriter::SegmentWriter() : thread_([this] { Run(); }) {}

SegmentWriter::~SegmentWriter() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void SegmentWriter::Schedule(Client* client) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back(client);
  }
  cv_.notify_one();
}

void SegmentWriter::Run() {
  std::unique_lock lock(mu_);
  while (true) {
    cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;
    Client* client = queue_.front();
    queue_.pop_front();
    lock.unlock();
    const bool more = client->WriteQueued();
    lock.lock();
    if (more) queue_.push_back(client);
  }
}

}  // namespace ringlog
