#include "tests/support/log_contents.h"

namespace ringlog::testing {

Result<std::string> ReadAll(const PartitionLog& log, Offset from) {
  std::string all;
  for (Offset at = from; at < log.next_offset();) {
    ASSIGN_OR_RETURN(ReadResult r, log.Read(at, 4096));
    if (r.empty()) break;
    ASSIGN_OR_RETURN(std::string bytes, CopyReadBytes(r));
    all += bytes;
    at = r.next_offset;
  }
  return all;
}

}  // namespace ringlog::testing
