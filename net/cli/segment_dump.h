// DumpSegment: prints the record batches of one segment .log file, as Kafka's
// kafka-dump-log does, reading the file directly (offline: no broker, no backend). Each
// batch: offsets, position and size, CRC-32C checked, producer id/epoch/sequence, the
// transactional and control flags, and for a transaction marker its type; with
// `print_records` also the records of uncompressed batches.
//
// The bytes are decoded with the engine's codecs (engine/log/record_batch.h), the same
// ones recovery relies on, so both agree on what a valid batch is.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "engine/status.h"

namespace ringlog {

struct SegmentDumpSummary {
  uint64_t batches = 0;
  uint64_t records = 0;
  uint64_t bad_crc = 0;  // batches whose CRC does not match
  // Set when the walk stopped before the end of the file: a header that does not decode
  // or a batch running past the end; says where and why.
  std::string damage;

  bool clean() const { return bad_crc == 0 && damage.empty(); }
};

// Writes the batches of the .log at `path` to `out`. IOError/NotFound when the file cannot
// be read; damage in the file is not an error but is counted in the summary.
Result<SegmentDumpSummary> DumpSegment(const std::string& path, bool print_records, FILE* out);

}  // namespace ringlog
