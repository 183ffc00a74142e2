#include "bench/harness/disk_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <vector>

namespace ringlog::bench {
namespace {

// The regular files under `path`, sorted by name.
Result<std::vector<std::string>> RegularFiles(const std::string& path) {
  std::vector<std::string> files;
  std::error_code ec;
  std::filesystem::recursive_directory_iterator it(path, ec);
  for (; !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec)) files.push_back(it->path().string());
  }
  if (ec) return Status::IOError("list " + path + ": " + ec.message(), ec.value());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

Result<uint64_t> DiskBytesUsed(const std::string& path) {
  ASSIGN_OR_RETURN(const std::vector<std::string> files, RegularFiles(path));
  uint64_t bytes = 0;
  for (const std::string& file : files) {
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0) return Status::IOError("stat " + file, errno);
    bytes += static_cast<uint64_t>(st.st_blocks) * 512;
  }
  return bytes;
}

Status DropPageCache(const std::string& path) {
  ASSIGN_OR_RETURN(const std::vector<std::string> files, RegularFiles(path));
  for (const std::string& file : files) {
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Status::IOError("open " + file, errno);
    const int rc = ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    ::close(fd);
    if (rc != 0) return Status::IOError("posix_fadvise " + file, rc);
  }
  return Status::OK();
}

Result<uint64_t> ReadAllFiles(const std::string& path) {
  ASSIGN_OR_RETURN(const std::vector<std::string> files, RegularFiles(path));
  std::vector<char> buffer(1 << 20);
  uint64_t total = 0;
  for (const std::string& file : files) {
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Status::IOError("open " + file, errno);
    off_t position = 0;
    ssize_t n;
    while ((n = ::pread(fd, buffer.data(), buffer.size(), position)) > 0) {
      position += n;
      total += static_cast<uint64_t>(n);
    }
    const int err = errno;
    ::close(fd);
    if (n < 0) return Status::IOError("pread " + file, err);
  }
  return total;
}

Result<uint64_t> UnlinkAllFiles(const std::string& path) {
  ASSIGN_OR_RETURN(const std::vector<std::string> files, RegularFiles(path));
  uint64_t total = 0;
  for (const std::string& file : files) {
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0) return Status::IOError("stat " + file, errno);
    if (::unlink(file.c_str()) != 0) return Status::IOError("unlink " + file, errno);
    total += static_cast<uint64_t>(st.st_size);
  }
  return total;
}

}  // namespace ringlog::bench
