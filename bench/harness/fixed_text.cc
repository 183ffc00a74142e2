#include "bench/harness/fixed_text.h"

#include <cstdio>

namespace ringlog::bench {

std::string Fixed(double value, int decimals) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.*f", decimals, value);
  return buffer;
}

}  // namespace ringlog::bench
