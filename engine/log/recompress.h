// Recompression of a producer's record batch to the topic's compression.type, as a Kafka
// broker does when the topic names a codec other than "producer".
#pragma once

#include <cstddef>
#include <string>

#include "engine/log/compression/compression_type.h"
#include "engine/log/record_batch.h"
#include "engine/status.h"

namespace ringlog {

// `batch` with its records section stored with `target` instead (kNone: uncompressed):
// the same header (offsets, timestamps, producer fields, the other attribute bits) with
// the codec bits, the length and the CRC made to match. The records are decompressed
// with at most `max_decompressed_bytes` (TooLarge above, Corruption for damaged data).
// REQUIRES: `batch` passed ValidateProducerBatch and uses a codec other than `target`.
Result<std::string> RecompressBatch(const RecordBatchView& batch, CompressionType target,
                                    size_t max_decompressed_bytes);

}  // namespace ringlog
