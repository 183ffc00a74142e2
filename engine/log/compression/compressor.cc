#include "engine/log/compression/compressor.h"

#include <glog/logging.h>
#include <lz4frame.h>
#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>

#include "engine/big_endian.h"

namespace ringlog {
namespace {

// snappy-java's block size and stream header (magic, version 1, compatible version 1).
constexpr size_t kXerialBlockSize = 32 << 10;
constexpr char kXerialHeader[] = {'\x82', 'S', 'N', 'A', 'P', 'P', 'Y', 0, 0, 0, 0, 1, 0, 0, 0, 1};
constexpr int kGzipWindowBits = 15 + 16;
constexpr int kZstdLevel = 3;  // zstd's default, as Kafka's

std::string Gzip(std::span<const uint8_t> input) {
  z_stream s{};
  CHECK_EQ(
      deflateInit2(&s, Z_DEFAULT_COMPRESSION, Z_DEFLATED, kGzipWindowBits, 8, Z_DEFAULT_STRATEGY),
      Z_OK);
  std::string out(deflateBound(&s, input.size()), '\0');
  s.next_in = const_cast<Bytef*>(input.data());
  s.avail_in = static_cast<uInt>(input.size());
  s.next_out = reinterpret_cast<Bytef*>(out.data());
  s.avail_out = static_cast<uInt>(out.size());
  CHECK_EQ(deflate(&s, Z_FINISH), Z_STREAM_END);
  out.resize(s.total_out);
  deflateEnd(&s);
  return out;
}

void AppendRawSnappy(std::span<const uint8_t> input, std::string* out) {
  const size_t start = out->size();
  size_t length = snappy_max_compressed_length(input.size());
  out->resize(start + length);
  CHECK_EQ(snappy_compress(reinterpret_cast<const char*>(input.data()), input.size(),
                           out->data() + start, &length),
           SNAPPY_OK);
  out->resize(start + length);
}

std::string Snappy(std::span<const uint8_t> input, SnappyFraming framing) {
  std::string out;
  if (framing == SnappyFraming::kRaw) {
    AppendRawSnappy(input, &out);
    return out;
  }
  out.assign(kXerialHeader, sizeof(kXerialHeader));
  for (size_t pos = 0; pos < input.size(); pos += kXerialBlockSize) {
    const size_t length_at = out.size();
    out.append(sizeof(int32_t), '\0');
    AppendRawSnappy(input.subspan(pos, std::min(kXerialBlockSize, input.size() - pos)), &out);
    StoreBigEndian<int32_t>(reinterpret_cast<uint8_t*>(out.data() + length_at),
                            static_cast<int32_t>(out.size() - length_at - sizeof(int32_t)));
  }
  return out;
}

std::string Lz4(std::span<const uint8_t> input) {
  LZ4F_preferences_t prefs{};
  prefs.frameInfo.blockMode = LZ4F_blockIndependent;
  std::string out(LZ4F_compressFrameBound(input.size(), &prefs), '\0');
  const size_t length =
      LZ4F_compressFrame(out.data(), out.size(), input.data(), input.size(), &prefs);
  CHECK(!LZ4F_isError(length)) << LZ4F_getErrorName(length);
  out.resize(length);
  return out;
}

std::string Zstd(std::span<const uint8_t> input) {
  std::string out(ZSTD_compressBound(input.size()), '\0');
  const size_t length =
      ZSTD_compress(out.data(), out.size(), input.data(), input.size(), kZstdLevel);
  CHECK(!ZSTD_isError(length)) << ZSTD_getErrorName(length);
  out.resize(length);
  return out;
}

}  // namespace

std::string Compress(CompressionType type, std::span<const uint8_t> input, SnappyFraming framing) {
  switch (type) {
    case CompressionType::kGzip:
      return Gzip(input);
    case CompressionType::kSnappy:
      return Snappy(input, framing);
    case CompressionType::kLz4:
      return Lz4(input);
    case CompressionType::kZstd:
      return Zstd(input);
    case CompressionType::kNone:
      break;
  }
  LOG(FATAL) << "no codec " << static_cast<int>(type) << " to compress with";
}

}  // namespace ringlog
