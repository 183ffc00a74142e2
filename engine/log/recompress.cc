#include "engine/log/recompress.h"

#include <span>

#include "engine/big_endian.h"
#include "engine/log/compression/compressor.h"
#include "engine/log/compression/decompressor.h"
#include "engine/log/crc32c.h"
#include "engine/log/format.h"

namespace ringlog {

Result<std::string> RecompressBatch(const RecordBatchView& batch, CompressionType target,
                                    size_t max_decompressed_bytes) {
  const std::span<const uint8_t> bytes = batch.bytes();
  const std::span<const uint8_t> section = bytes.subspan(kBatchHeaderSize);
  const CompressionType source = batch.header().compression();
  Decompressor& decompressor = Decompressor::ForThisThread();
  std::span<const uint8_t> records = section;
  if (source != CompressionType::kNone) {
    Result<std::span<const uint8_t>> opened =
        decompressor.Decompress(source, section, max_decompressed_bytes);
    if (!opened.ok()) {
      decompressor.Trim();
      return opened.status();
    }
    records = *opened;
  }
  std::string out(reinterpret_cast<const char*>(bytes.data()), kBatchHeaderSize);
  if (target == CompressionType::kNone) {
    out.append(reinterpret_cast<const char*>(records.data()), records.size());
  } else {
    out += Compress(target, records);
  }
  decompressor.Trim();
  auto* p = reinterpret_cast<uint8_t*>(out.data());
  const auto attributes = LoadBigEndian<int16_t>(p + kBatchAttributesPos);
  StoreBigEndian<int16_t>(p + kBatchAttributesPos,
                          static_cast<int16_t>((attributes & ~kBatchAttrCompressionMask) |
                                               static_cast<int16_t>(target)));
  // The length counts what follows the base offset and the length itself.
  StoreBigEndian<int32_t>(p + kBatchLengthPos,
                          static_cast<int32_t>(out.size() - kBatchLogOverhead));
  StoreBigEndian<uint32_t>(
      p + kBatchCrcPos,
      Crc32c(std::span<const uint8_t>(p, out.size()).subspan(kBatchAttributesPos)));
  return out;
}

}  // namespace ringlog
