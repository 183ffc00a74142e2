#include "net/txn/marker_test_hook.h"

#include <glog/logging.h>

#include <charconv>
#include <cstdlib>
#include <string_view>

namespace ringlog {

std::optional<size_t> TxnMarkersLimitFromEnvironment() {
  const char* value = std::getenv(kTxnMarkersLimitVariable);
  if (value == nullptr) return std::nullopt;
  const std::string_view text(value);
  size_t limit = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), limit);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    LOG(WARNING) << kTxnMarkersLimitVariable << "=" << text
                 << " ignored: not a non-negative integer";
    return std::nullopt;
  }
  LOG(WARNING) << "TEST HOOK " << kTxnMarkersLimitVariable << "=" << limit
               << ": transaction markers go to the first " << limit
               << " partitions of each transaction only, and no transaction completes";
  return limit;
}

}  // namespace ringlog
