// CRC-32C (Castagnoli), the checksum Kafka RecordBatch v2 carries over its bytes from
// `attributes` to the end. Uses the CPU's crc32 instruction (SSE4.2) when present and a
// table-driven portable path otherwise; both give identical results.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace ringlog {

// Returns the CRC-32C of `data` continued from `crc` (pass 0 to start a new checksum).
// Extending is associative: Crc32c(Crc32c(0, a), b) == Crc32c(0, a || b).
uint32_t Crc32c(uint32_t crc, std::span<const uint8_t> data);

inline uint32_t Crc32c(std::span<const uint8_t> data) { return Crc32c(0, data); }

// The portable path, exposed so tests and benchmarks can compare both implementations.
uint32_t Crc32cPortable(uint32_t crc, std::span<const uint8_t> data);

// True when Crc32c uses the hardware instruction on this machine.
bool Crc32cIsHardwareAccelerated();

}  // namespace ringlog
