#include "backends/data_dir.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/log/format.h"

namespace ringlog {
namespace {

std::string MarkerLine(std::string_view backend) {
  return "ringlog-data-dir backend=" + std::string(backend) +
         " version=" + std::to_string(kDataDirFormatVersion) + "\n";
}

Status SyncPath(const std::string& path, int flags) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return Status::IOError("open " + path, errno);
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) return Status::IOError("fsync " + path, err);
  return Status::OK();
}

}  // namespace

Status WriteFileAtomically(const std::string& path, std::string_view value) {
  const std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IOError("create " + tmp, errno);
  size_t done = 0;
  while (done < value.size()) {
    ssize_t n = ::write(fd, value.data() + done, value.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return Status::IOError("write " + tmp, err);
    }
    done += static_cast<size_t>(n);
  }
  if (::fdatasync(fd) != 0) {
    int err = errno;
    ::close(fd);
    return Status::IOError("fdatasync " + tmp, err);
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) return Status::IOError("rename " + tmp, errno);
  return SyncPath(std::filesystem::path(path).parent_path().string(), O_RDONLY | O_DIRECTORY);
}

Result<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno == ENOENT) return Status::NotFound(path + " does not exist");
    return Status::IOError("open " + path, errno);
  }
  std::ostringstream out;
  out << in.rdbuf();
  if (in.bad()) return Status::IOError("read " + path);
  return out.str();
}

Result<DataDirLock> ClaimDataDir(const std::string& dir, std::string_view backend) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IOError("cannot create data directory " + dir + ": " + ec.message());
  if (!std::filesystem::is_directory(dir, ec)) {
    return Status::InvalidArgument("data directory " + dir + " is not a directory");
  }
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    return Status::IOError("data directory " + dir + " is not writable", errno);
  }
  ASSIGN_OR_RETURN(DataDirLock lock, DataDirLock::Acquire(dir));
  const std::string marker = dir + "/" + std::string(kDataDirMarkerFile);
  Result<std::string> existing = ReadWholeFile(marker);
  if (existing.status().IsNotFound()) {
    RETURN_IF_ERROR(WriteFileAtomically(marker, MarkerLine(backend)));
    return lock;
  }
  if (!existing.ok()) return existing.status();
  if (*existing != MarkerLine(backend)) {
    std::string found = *existing;
    while (!found.empty() && found.back() == '\n') found.pop_back();
    return Status::InvalidArgument("data directory " + dir + " was written as '" + found +
                                   "', not by the " + std::string(backend) +
                                   " backend; start with the backend that wrote it or use "
                                   "another --data_dir");
  }
  return lock;
}

}  // namespace ringlog
