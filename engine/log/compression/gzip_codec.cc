// gzip through zlib's inflate, with the gzip wrapper only (window bits 15 + 16): a zlib or
// raw deflate stream is not what Kafka clients send, and Java consumers would refuse it.
#include <glog/logging.h>
#include <zlib.h>

#include <memory>
#include <string>

#include "engine/log/compression/codecs.h"

namespace ringlog {
namespace {

constexpr int kGzipWindowBits = 15 + 16;

struct InflateStream {
  z_stream stream{};
  InflateStream() { CHECK_EQ(inflateInit2(&stream, kGzipWindowBits), Z_OK) << "zlib init"; }
  ~InflateStream() { inflateEnd(&stream); }
};

z_stream& ThreadStream() {
  thread_local InflateStream inflate;
  return inflate.stream;
}

Status GzipError(z_stream& s, int code) {
  return Status::Corruption(std::string("gzip data is invalid: ") +
                            (s.msg != nullptr ? s.msg : "zlib error " + std::to_string(code)));
}

}  // namespace

Status DecodeGzip(std::span<const uint8_t> in, OutputBuffer* out) {
  z_stream& s = ThreadStream();
  if (inflateReset(&s) != Z_OK) return Status::Corruption("gzip: zlib reset failed");
  // A batch is below 2 GiB (its length is an int32), so the input fits uInt.
  s.next_in = const_cast<Bytef*>(in.data());
  s.avail_in = static_cast<uInt>(in.size());
  while (true) {
    if (!out->Grow()) return OutputLimitReached("gzip", out->limit());
    const std::span<uint8_t> room = out->free();
    s.next_out = room.data();
    s.avail_out = static_cast<uInt>(std::min<size_t>(room.size(), UINT32_MAX));
    const uInt offered = s.avail_out;
    const int code = inflate(&s, Z_NO_FLUSH);
    out->Commit(offered - s.avail_out);
    if (code == Z_STREAM_END) {
      if (s.avail_in == 0) return Status::OK();
      // Another member follows.
      if (inflateReset(&s) != Z_OK) return Status::Corruption("gzip: zlib reset failed");
      continue;
    }
    if (code == Z_BUF_ERROR && s.avail_in == 0 && s.avail_out > 0) {
      return Status::Corruption("gzip data ends before its stream does");
    }
    if (code != Z_OK && code != Z_BUF_ERROR) return GzipError(s, code);
  }
}

}  // namespace ringlog
