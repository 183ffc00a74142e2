#include "net/codec/init_producer_id_codec.h"

#include <glog/logging.h>

#include "net/codec/codec_version.h"

namespace ringlog {
namespace {

// No version in range is flexible.
constexpr bool kFlexible = false;

}  // namespace

Result<InitProducerIdRequest> DecodeInitProducerIdRequest(WireReader& reader, int16_t version) {
  RETURN_IF_ERROR(CheckCodecVersion("InitProducerId", version, kInitProducerIdMaxVersion));
  InitProducerIdRequest request;
  ASSIGN_OR_RETURN(request.transactional_id, reader.ReadNullableString());
  ASSIGN_OR_RETURN(request.transaction_timeout_ms, reader.ReadInt32());
  return request;
}

void EncodeInitProducerIdRequest(WireWriter& writer, const InitProducerIdRequest& request,
                                 int16_t version) {
  CHECK(CheckCodecVersion("InitProducerId", version, kInitProducerIdMaxVersion).ok());
  writer.WriteNullableString(request.transactional_id, kFlexible);
  writer.WriteInt32(request.transaction_timeout_ms);
}

void EncodeInitProducerIdResponse(WireWriter& writer, const InitProducerIdResponse& response,
                                  int16_t version) {
  CHECK(CheckCodecVersion("InitProducerId", version, kInitProducerIdMaxVersion).ok());
  writer.WriteInt32(response.throttle_time_ms);
  writer.WriteInt16(response.error_code);
  writer.WriteInt64(response.producer_id);
  writer.WriteInt16(response.producer_epoch);
}

Result<InitProducerIdResponse> DecodeInitProducerIdResponse(WireReader& reader, int16_t version) {
  RETURN_IF_ERROR(CheckCodecVersion("InitProducerId", version, kInitProducerIdMaxVersion));
  InitProducerIdResponse response;
  ASSIGN_OR_RETURN(response.throttle_time_ms, reader.ReadInt32());
  ASSIGN_OR_RETURN(response.error_code, reader.ReadInt16());
  ASSIGN_OR_RETURN(response.producer_id, reader.ReadInt64());
  ASSIGN_OR_RETURN(response.producer_epoch, reader.ReadInt16());
  return response;
}

}  // namespace ringlog
