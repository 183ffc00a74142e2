#include "bench/harness/raw_sequential_write.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace ringlog::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kDirectAlignment = 4096;

struct FreeDeleter {
  void operator()(void* p) const { std::free(p); }
};

// The files of one run: the current one is written at `position`; all stay open until the
// run ends so that the syncer never syncs a closed descriptor.
class FileSet {
 public:
  FileSet(std::string dir, bool direct, uint64_t file_bytes)
      : dir_(std::move(dir)), direct_(direct), file_bytes_(file_bytes) {}
  ~FileSet() {
    for (int fd : fds_) ::close(fd);
  }

  // The descriptor to write `size` bytes to, rolling to a new file when the current one
  // would pass file_bytes. `rolled` is set when it did.
  Result<int> FileFor(size_t size, bool* rolled) {
    *rolled = false;
    if (fds_.empty() || position_ + size > file_bytes_) {
      const std::string path = dir_ + "/raw-" + std::to_string(fds_.size()) + ".log";
      const int fd = ::open(
          path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | (direct_ ? O_DIRECT : 0), 0644);
      if (fd < 0) return Status::IOError("open " + path, errno);
      *rolled = !fds_.empty();
      fds_.push_back(fd);
      position_ = 0;
    }
    return fds_.back();
  }

  Status Write(int fd, const char* data, size_t size) {
    size_t done = 0;
    while (done < size) {
      const ssize_t n = ::pwrite(fd, data + done, size - done, static_cast<off_t>(position_));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return Status::IOError("pwrite " + dir_, n < 0 ? errno : EIO);
      done += static_cast<size_t>(n);
      position_ += static_cast<uint64_t>(n);
    }
    return Status::OK();
  }

  // fdatasync of the file before the current one (a rolled file is synced once, whole).
  Status SyncPrevious() { return Sync(fds_[fds_.size() - 2]); }

  static Status Sync(int fd) {
    if (::fdatasync(fd) != 0) return Status::IOError("fdatasync", errno);
    return Status::OK();
  }

 private:
  const std::string dir_;
  const bool direct_;
  const uint64_t file_bytes_;
  std::vector<int> fds_;
  uint64_t position_ = 0;
};

// The syncer thread of FlushMode::kGroup and the writer's side of its window.
class GroupSyncer {
 public:
  explicit GroupSyncer(uint64_t window) : window_(window) {
    thread_ = std::thread([this] { Run(); });
  }
  ~GroupSyncer() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

  // Records `bytes` more written to `fd` and waits while the window is full.
  Status Written(int fd, uint64_t bytes) {
    std::unique_lock lock(mu_);
    fd_ = fd;
    written_ += bytes;
    cv_.notify_all();
    cv_.wait(lock, [&] { return !status_.ok() || written_ - durable_ <= window_; });
    return status_;
  }

  // Waits until everything written is durable.
  Status Drain() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !status_.ok() || durable_ == written_; });
    return status_;
  }

  uint64_t syncs() {
    std::lock_guard lock(mu_);
    return syncs_;
  }

 private:
  void Run() {
    std::unique_lock lock(mu_);
    while (true) {
      cv_.wait(lock, [&] { return stopping_ || written_ > durable_; });
      if (written_ == durable_ || !status_.ok()) return;
      const uint64_t target = written_;
      const int fd = fd_;
      lock.unlock();
      Status status = FileSet::Sync(fd);
      lock.lock();
      ++syncs_;
      if (!status.ok()) status_ = status;
      durable_ = target;
      cv_.notify_all();
    }
  }

  const uint64_t window_;
  std::mutex mu_;
  std::condition_variable cv_;
  int fd_ = -1;
  uint64_t written_ = 0;
  uint64_t durable_ = 0;
  uint64_t syncs_ = 0;
  bool stopping_ = false;
  Status status_;
  std::thread thread_;
};

}  // namespace

Result<WriteRun> RunRawSequentialWrite(const RawWriteOptions& options) {
  size_t size = options.block.size();
  std::unique_ptr<char, FreeDeleter> aligned;
  const char* data = options.block.data();
  if (options.direct) {
    size = (size + kDirectAlignment - 1) / kDirectAlignment * kDirectAlignment;
    aligned.reset(static_cast<char*>(std::aligned_alloc(kDirectAlignment, size)));
    std::memset(aligned.get(), 0, size);
    std::memcpy(aligned.get(), options.block.data(), options.block.size());
    data = aligned.get();
  }
  FileSet files(options.dir, options.direct, options.file_bytes);
  std::unique_ptr<GroupSyncer> syncer;
  if (options.flush == FlushMode::kGroup) {
    syncer = std::make_unique<GroupSyncer>(options.group_window_bytes);
  }
  WriteRun run;
  const Clock::time_point start = Clock::now();
  const Clock::time_point end = start + std::chrono::duration_cast<Clock::duration>(
                                            std::chrono::duration<double>(options.seconds));
  while (run.bytes + size <= options.max_bytes && Clock::now() < end) {
    bool rolled = false;
    ASSIGN_OR_RETURN(const int fd, files.FileFor(size, &rolled));
    if (rolled && options.flush != FlushMode::kNone) {
      RETURN_IF_ERROR(files.SyncPrevious());
      ++run.syncs;
    }
    RETURN_IF_ERROR(files.Write(fd, data, size));
    if (options.flush == FlushMode::kEachWrite) {
      RETURN_IF_ERROR(FileSet::Sync(fd));
      ++run.syncs;
    } else if (syncer != nullptr) {
      RETURN_IF_ERROR(syncer->Written(fd, size));
    }
    run.bytes += size;
    ++run.writes;
    if (options.progress != nullptr) options.progress->Add(size, 0);
  }
  if (syncer != nullptr) {
    RETURN_IF_ERROR(syncer->Drain());
    run.syncs += syncer->syncs();
  }
  run.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return run;
}

}  // namespace ringlog::bench
