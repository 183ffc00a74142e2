// Zstandard through libzstd. A lone frame that states its content size (kafka-python,
// librdkafka) decodes in one call straight into the output; any other input (no content
// size: the Java client's zstd-jni stream; several frames) streams through the context.
#include <glog/logging.h>
#include <zstd.h>

#include <string>

#include "engine/log/compression/codecs.h"

namespace ringlog {
namespace {

// The most the thread's context may keep after a call: a streamed frame may declare a
// window of up to 128 MiB (zstd's default cap), which the context would otherwise hold,
// partly written, for the thread's life.
constexpr size_t kRetainedContextBytes = 16 << 20;

class ZstdContext {
 public:
  ~ZstdContext() { Drop(); }
  ZSTD_DCtx* Get() {
    if (dctx_ == nullptr) {
      dctx_ = ZSTD_createDCtx();
      CHECK(dctx_ != nullptr) << "zstd init";
    }
    return dctx_;
  }
  // Frees the context if it grew past kRetainedContextBytes.
  void Trim() {
    if (dctx_ != nullptr && ZSTD_sizeof_DCtx(dctx_) > kRetainedContextBytes) Drop();
  }

 private:
  void Drop() {
    ZSTD_freeDCtx(dctx_);
    dctx_ = nullptr;
  }

  ZSTD_DCtx* dctx_ = nullptr;
};

thread_local ZstdContext thread_context;

Status ZstdError(size_t code) {
  return Status::Corruption(std::string("zstd data is invalid: ") + ZSTD_getErrorName(code));
}

// The content size of `in` when it is exactly one frame that states it; 0 otherwise.
unsigned long long SingleFrameContentSize(std::span<const uint8_t> in) {
  const unsigned long long size = ZSTD_getFrameContentSize(in.data(), in.size());
  if (size == ZSTD_CONTENTSIZE_UNKNOWN || size == ZSTD_CONTENTSIZE_ERROR || size == 0) return 0;
  const size_t frame = ZSTD_findFrameCompressedSize(in.data(), in.size());
  return !ZSTD_isError(frame) && frame == in.size() ? size : 0;
}

Status DecodeStream(ZSTD_DCtx* dctx, std::span<const uint8_t> in, OutputBuffer* out) {
  ZSTD_inBuffer input{in.data(), in.size(), 0};
  while (true) {
    if (!out->Grow()) return OutputLimitReached("zstd", out->limit());
    const std::span<uint8_t> room = out->free();
    ZSTD_outBuffer output{room.data(), room.size(), 0};
    const size_t left = ZSTD_decompressStream(dctx, &output, &input);
    if (ZSTD_isError(left)) return ZstdError(left);
    out->Commit(output.pos);
    if (input.pos < input.size) continue;
    if (left == 0) return Status::OK();  // the last frame is decoded and flushed
    // All input read and room left over, yet the frame goes on: the data is cut.
    if (output.pos < output.size) return Status::Corruption("zstd data ends inside a frame");
  }
}

}  // namespace

Status DecodeZstd(std::span<const uint8_t> in, OutputBuffer* out) {
  ZSTD_DCtx* dctx = thread_context.Get();
  ZSTD_DCtx_reset(dctx, ZSTD_reset_session_only);
  const unsigned long long content = SingleFrameContentSize(in);
  if (content == 0) {
    Status streamed = DecodeStream(dctx, in, out);
    thread_context.Trim();
    return streamed;
  }
  if (content > out->limit() - out->size() || !out->Reserve(content)) {
    return OutputLimitReached("zstd", out->limit());
  }
  const std::span<uint8_t> room = out->free();
  const size_t written = ZSTD_decompressDCtx(dctx, room.data(), content, in.data(), in.size());
  if (ZSTD_isError(written)) return ZstdError(written);
  if (written != content) return Status::Corruption("zstd frame is shorter than it says");
  out->Commit(written);
  return Status::OK();
}

}  // namespace ringlog
