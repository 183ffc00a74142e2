#include "engine/log/read_result.h"

#include <unistd.h>

#include <cerrno>

namespace ringlog {

uint64_t ReadResult::size_bytes() const {
  if (const auto* slice = std::get_if<FileSlice>(&data)) return slice->length;
  return std::get<std::string>(data).size();
}

Result<std::string> CopyReadBytes(const ReadResult& result) {
  const auto* slice = std::get_if<FileSlice>(&result.data);
  if (slice == nullptr) return std::get<std::string>(result.data);
  std::string out(slice->length, '\0');
  uint64_t done = 0;
  while (done < slice->length) {
    ssize_t n = ::pread(slice->fd, out.data() + done, slice->length - done,
                        static_cast<off_t>(slice->position + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::IOError("pread of a segment slice", errno);
    if (n == 0) return Status::IOError("segment file ended inside a read slice");
    done += static_cast<uint64_t>(n);
  }
  return out;
}

}  // namespace ringlog
