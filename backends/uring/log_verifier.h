// VerifyLog: the recovery walk over a segment's .log. It checks every batch (whole, CRC-32C,
// base offset following on) and tells the two kinds of damage apart, as engine/log/format.h
// ("Damage and recovery") describes:
//   - damage in the middle: bad bytes followed by a whole, CRC-valid batch that continues
//     the offsets. Bit rot: the batches after it are good and are walked as usual.
//   - a bad tail: bad bytes with nothing valid after them, a torn write or a damaged last
//     batch. The caller cuts it or marks it.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "backends/uring/batch_scanner.h"
#include "backends/uring/uring_file.h"
#include "engine/status.h"
#include "engine/types.h"

namespace ringlog {

// Damaged bytes [position, end_position) of a .log, which held the offsets
// [first_offset, end_offset) as the good batches around them say.
struct LogDamage {
  uint64_t position = 0;
  uint64_t end_position = 0;
  Offset first_offset = 0;
  Offset end_offset = 0;
  std::string reason;  // what was wrong with the first damaged batch
};

struct VerifiedLog {
  // Damage in the middle, in file order; a good batch starts at each end_position.
  std::vector<LogDamage> damage;
  // The end of the last good batch and the offset after it: where the good data ends.
  uint64_t good_end = 0;
  Offset next_offset = 0;
  // Set when the bytes from good_end to the end of the file are a bad tail;
  // end_position is the file's size, end_offset == first_offset.
  std::optional<LogDamage> bad_tail;
  // Whether the bad tail starts with a batch cut short by the end of the file.
  bool torn_tail = false;
};

// Verifies the first `size` bytes of `file`, whose first batch has offset `base_offset`.
// `on_batch` gets every good batch in file order; an error from it ends the walk and is
// returned. Batches whose base offset is above `max_base_offset` are never taken for good
// ones after damage (the next segment's base - 1, or the most a segment can index).
// IOError when reading fails.
Result<VerifiedLog> VerifyLog(const UringFile& file, uint64_t size, Offset base_offset,
                              Offset max_base_offset,
                              const std::function<Status(const ScannedBatch&)>& on_batch);

}  // namespace ringlog
