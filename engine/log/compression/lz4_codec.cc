// LZ4 frames through liblz4's frame API, which checks the frame header's checksum (Kafka
// writes it correctly from message format v1 on) and the block and content checksums
// when a frame has them. Frames of linked blocks are refused: Kafka's clients write
// independent blocks and its Java reader takes no others, and liblz4 would keep pointing
// into output that this decoder moves as it grows.
#include <glog/logging.h>
#include <lz4frame.h>

#include <cstring>
#include <string>

#include "engine/log/compression/codecs.h"

namespace ringlog {
namespace {

// The thread's decoding context. A call that fails drops it: liblz4 1.9's reset does not
// clear every field a failed frame leaves behind.
class Lz4Context {
 public:
  ~Lz4Context() { Drop(); }
  LZ4F_dctx* Get() {
    if (dctx_ == nullptr) {
      CHECK(!LZ4F_isError(LZ4F_createDecompressionContext(&dctx_, LZ4F_VERSION))) << "lz4 init";
    }
    return dctx_;
  }
  void Drop() {
    if (dctx_ != nullptr) LZ4F_freeDecompressionContext(dctx_);
    dctx_ = nullptr;
  }

 private:
  LZ4F_dctx* dctx_ = nullptr;
};

thread_local Lz4Context thread_context;

// The frame magic (little-endian) and the block-independence bit of the FLG byte after it.
constexpr uint8_t kFrameMagic[] = {0x04, 0x22, 0x4D, 0x18};
constexpr uint8_t kFlgBlockIndependent = 0x20;

// Whether the frame starting at `frame` (or what there is of it) links its blocks.
bool LinksBlocks(std::span<const uint8_t> frame) {
  return frame.size() > sizeof(kFrameMagic) &&
         std::memcmp(frame.data(), kFrameMagic, sizeof(kFrameMagic)) == 0 &&
         (frame[sizeof(kFrameMagic)] & kFlgBlockIndependent) == 0;
}

// Decodes with `dctx`, which starts outside any frame.
Status DecodeFrames(LZ4F_dctx* dctx, std::span<const uint8_t> in, OutputBuffer* out) {
  size_t pos = 0;
  size_t hint = 1;  // non-zero: inside a frame (or before the first)
  while (pos < in.size()) {
    if (hint == 0 || pos == 0) {
      if (LinksBlocks(in.subspan(pos))) return Status::Corruption("lz4 frame links its blocks");
    }
    if (!out->Grow()) return OutputLimitReached("lz4", out->limit());
    const std::span<uint8_t> room = out->free();
    size_t written = room.size();
    size_t read = in.size() - pos;
    hint = LZ4F_decompress(dctx, room.data(), &written, in.data() + pos, &read, nullptr);
    if (LZ4F_isError(hint)) {
      return Status::Corruption(std::string("lz4 data is invalid: ") + LZ4F_getErrorName(hint));
    }
    if (read == 0 && written == 0) return Status::Corruption("lz4 decoder made no progress");
    pos += read;
    out->Commit(written);
  }
  // The input is used up; output the decoder still holds needs more room.
  while (hint != 0) {
    if (!out->Grow()) return OutputLimitReached("lz4", out->limit());
    const std::span<uint8_t> room = out->free();
    size_t written = room.size();
    size_t read = 0;
    hint = LZ4F_decompress(dctx, room.data(), &written, nullptr, &read, nullptr);
    if (LZ4F_isError(hint)) {
      return Status::Corruption(std::string("lz4 data is invalid: ") + LZ4F_getErrorName(hint));
    }
    out->Commit(written);
    if (written == 0 && hint != 0) return Status::Corruption("lz4 data ends inside a frame");
  }
  return Status::OK();
}

}  // namespace

Status DecodeLz4(std::span<const uint8_t> in, OutputBuffer* out) {
  Status status = DecodeFrames(thread_context.Get(), in, out);
  if (!status.ok()) thread_context.Drop();
  return status;
}

}  // namespace ringlog
