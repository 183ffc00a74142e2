#include "bench/harness/loadgen/request_frame.h"

#include "engine/big_endian.h"
#include "net/codec/request_header.h"

namespace ringlog::bench {

std::string EncodeRequestFrame(ApiKey api_key, int16_t version,
                               const std::function<void(WireWriter&)>& encode_body,
                               bool flexible_header) {
  std::string frame;
  WireWriter writer(&frame);
  writer.WriteInt32(0);  // size, patched below
  RequestHeader header;
  header.api_key = static_cast<int16_t>(api_key);
  header.api_version = version;
  header.client_id = kLoadgenClientId;
  EncodeRequestHeader(writer, header, flexible_header);
  encode_body(writer);
  writer.PatchInt32(0, static_cast<int32_t>(frame.size() - sizeof(int32_t)));
  return frame;
}

size_t FrameBodyPosition(std::span<const uint8_t> frame) {
  // size, api_key, api_version, correlation_id, then the client id's int16 length.
  constexpr size_t kClientIdLengthPos = kFrameCorrelationIdPos + sizeof(int32_t);
  const int16_t client_id_length = LoadBigEndian<int16_t>(frame.data() + kClientIdLengthPos);
  return kClientIdLengthPos + sizeof(int16_t) +
         (client_id_length < 0 ? 0 : static_cast<size_t>(client_id_length));
}

}  // namespace ringlog::bench
