#include "backends/uring/uring_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "backends/uring/ring.h"

namespace ringlog {
namespace {

std::string At(uint64_t offset, uint64_t len) {
  return " (" + std::to_string(len) + " bytes at offset " + std::to_string(offset) + ")";
}

// io_uring takes a mutable buffer for writes too; it only reads from it.
uint8_t* WriteBuffer(std::span<const uint8_t> data) { return const_cast<uint8_t*>(data.data()); }

}  // namespace

Result<std::unique_ptr<UringFile>> UringFile::Open(const std::string& path, int flags, mode_t mode,
                                                   unsigned queue_depth) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT && !(flags & O_CREAT)) return Status::NotFound(path + " does not exist");
    if (err == EEXIST && (flags & O_EXCL)) return Status::AlreadyExists(path + " exists");
    return Status::IOError("open " + path, err);
  }
  return Adopt(fd, path, queue_depth);
}

std::unique_ptr<UringFile> UringFile::Adopt(int fd, std::string path, unsigned queue_depth) {
  return std::unique_ptr<UringFile>(new UringFile(fd, std::move(path), queue_depth));
}

UringFile::~UringFile() {
  if (fd_ >= 0) ::close(fd_);
}

Status UringFile::Run(std::span<IoOp> ops, const char* what, uint64_t offset, uint64_t len) const {
  Result<Ring*> ring = Ring::ForThisThread(queue_depth_);
  if (!ring.ok()) return ring.status();
  Status status = (*ring)->Run(ops);
  if (status.ok()) return status;
  std::string context = what;
  if (len > 0) context += At(offset, len);
  return status.WithContext(context + " " + path_);
}

Result<uint64_t> UringFile::Size() const {
  struct stat st;
  if (::fstat(fd_, &st) != 0) return Status::IOError("fstat " + path_, errno);
  return static_cast<uint64_t>(st.st_size);
}

Result<size_t> UringFile::ReadSome(uint64_t offset, std::span<uint8_t> buf) const {
  IoOp op{.kind = IoOp::Kind::kRead,
          .fd = fd_,
          .buf = buf.data(),
          .len = buf.size(),
          .offset = offset,
          .partial_ok = true};
  RETURN_IF_ERROR(Run({&op, 1}, "read", offset, buf.size()));
  return static_cast<size_t>(op.done);
}

Status UringFile::Read(uint64_t offset, std::span<uint8_t> buf) const {
  IoOp op{
      .kind = IoOp::Kind::kRead, .fd = fd_, .buf = buf.data(), .len = buf.size(), .offset = offset};
  RETURN_IF_ERROR(Run({&op, 1}, "read", offset, buf.size()));
  if (op.done < buf.size()) {
    return Status::IOError("read" + At(offset, buf.size()) + " " + path_ +
                               ": the file ends after " + std::to_string(op.done) + " bytes",
                           ENODATA);
  }
  return Status::OK();
}

Result<size_t> UringFile::WriteSome(uint64_t offset, std::span<const uint8_t> data) {
  IoOp op{.kind = IoOp::Kind::kWrite,
          .fd = fd_,
          .buf = WriteBuffer(data),
          .len = data.size(),
          .offset = offset,
          .partial_ok = true};
  RETURN_IF_ERROR(Run({&op, 1}, "write", offset, data.size()));
  return static_cast<size_t>(op.done);
}

Status UringFile::Write(uint64_t offset, std::span<const uint8_t> data) {
  IoOp op{.kind = IoOp::Kind::kWrite,
          .fd = fd_,
          .buf = WriteBuffer(data),
          .len = data.size(),
          .offset = offset};
  return Run({&op, 1}, "write", offset, data.size());
}

Status UringFile::WriteAndSync(uint64_t offset, std::span<const uint8_t> data) {
  IoOp ops[2] = {{.kind = IoOp::Kind::kWrite,
                  .fd = fd_,
                  .buf = WriteBuffer(data),
                  .len = data.size(),
                  .offset = offset,
                  .link_next = true},
                 {.kind = IoOp::Kind::kFdatasync, .fd = fd_}};
  return Run(ops, "write+fdatasync", offset, data.size());
}

Status UringFile::Fdatasync() {
  IoOp op{.kind = IoOp::Kind::kFdatasync, .fd = fd_};
  return Run({&op, 1}, "fdatasync");
}

Status UringFile::Fallocate(uint64_t offset, uint64_t len) {
  IoOp op{.kind = IoOp::Kind::kFallocate, .fd = fd_, .len = len, .offset = offset};
  return Run({&op, 1}, "fallocate", offset, len);
}

Status UringFile::Truncate(uint64_t size) {
  while (::ftruncate(fd_, static_cast<off_t>(size)) != 0) {
    if (errno != EINTR) {
      return Status::IOError("ftruncate " + path_ + " to " + std::to_string(size) + " bytes",
                             errno);
    }
  }
  return Status::OK();
}

}  // namespace ringlog
