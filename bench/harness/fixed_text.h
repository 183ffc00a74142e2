// Fixed: a figure as text with a fixed number of decimals, as the result tables and the
// measurements' params print them.
#pragma once

#include <string>

namespace ringlog::bench {

// `value` with `decimals` digits after the point ("%.*f").
std::string Fixed(double value, int decimals);

}  // namespace ringlog::bench
