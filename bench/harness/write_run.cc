#include "bench/harness/write_run.h"

namespace ringlog::bench {

std::string_view FlushModeName(FlushMode mode) {
  switch (mode) {
    case FlushMode::kNone:
      return "none";
    case FlushMode::kGroup:
      return "group";
    case FlushMode::kEachWrite:
      return "each";
  }
  return "unknown";
}

}  // namespace ringlog::bench
