#include "backends/data_dir_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <thread>
#include <utility>

#include "engine/log/format.h"

namespace ringlog {
namespace {

// The holder writes its pid right after it locks; a claimant that reads in between finds
// the file empty and looks again for this long before it gives up on naming the pid.
constexpr int kPidReadAttempts = 10;
constexpr std::chrono::milliseconds kPidReadPause(10);

// The pid on the first line of the lock file, or 0 when there is none (yet).
long ReadHolderPid(int fd) {
  char buffer[32] = {};
  const ssize_t n = ::pread(fd, buffer, sizeof(buffer) - 1, 0);
  if (n <= 0) return 0;
  long pid = 0;
  const auto [end, ec] = std::from_chars(buffer, buffer + n, pid);
  if (ec != std::errc() || end == buffer || (end < buffer + n && *end != '\n')) return 0;
  return pid;
}

// Overwrites the pid at the start and cuts what is left of a longer, older one, so that the
// file never reads empty once some holder wrote to it.
Status WritePid(int fd, const std::string& path) {
  const std::string line = std::to_string(::getpid()) + "\n";
  if (::pwrite(fd, line.data(), line.size(), 0) != static_cast<ssize_t>(line.size())) {
    return Status::IOError("write " + path, errno);
  }
  if (::ftruncate(fd, static_cast<off_t>(line.size())) != 0) {
    return Status::IOError("truncate " + path, errno);
  }
  return Status::OK();
}

}  // namespace

Result<DataDirLock> DataDirLock::Acquire(const std::string& dir) {
  const std::string path = dir + "/" + std::string(kDataDirLockFile);
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IOError("open lock file " + path, errno);
  DataDirLock lock(dir, fd);
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EINTR) continue;
    if (errno != EWOULDBLOCK) return Status::IOError("lock " + path, errno);
    long holder = 0;
    for (int i = 0; i < kPidReadAttempts && holder == 0; ++i) {
      if (i > 0) std::this_thread::sleep_for(kPidReadPause);
      holder = ReadHolderPid(fd);
    }
    const std::string who = holder > 0 ? "pid " + std::to_string(holder) : "a process";
    return Status::Busy("data directory " + dir + " is in use by another ringlog process (" + who +
                        " holds " + path + "); one directory serves one process");
  }
  RETURN_IF_ERROR(WritePid(fd, path));
  return lock;
}

DataDirLock::~DataDirLock() { Release(); }

DataDirLock::DataDirLock(DataDirLock&& other) noexcept
    : dir_(std::move(other.dir_)), fd_(std::exchange(other.fd_, -1)) {}

DataDirLock& DataDirLock::operator=(DataDirLock&& other) noexcept {
  if (this != &other) {
    Release();
    dir_ = std::move(other.dir_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

void DataDirLock::Release() {
  // Closing the only descriptor of the open file description drops the flock.
  if (fd_ >= 0) ::close(std::exchange(fd_, -1));
}

}  // namespace ringlog
