// The record batch the engine-level suites append over and over: valid RecordBatch v2
// bytes of records with equal values, as close to a target size as whole records allow.
#pragma once

#include <cstddef>
#include <span>
#include <string>

namespace ringlog::bench {

struct UniformBatch {
  std::string bytes;
  int records = 0;

  std::span<uint8_t> span() { return {reinterpret_cast<uint8_t*>(bytes.data()), bytes.size()}; }
};

// A batch of at most `target_bytes` (and within a few bytes per record of it) made of
// records whose values are about `value_bytes` long (shorter when the target is small).
// REQUIRES: target_bytes >= 128.
UniformBatch MakeUniformBatch(size_t target_bytes, size_t value_bytes = 1000);

}  // namespace ringlog::bench
