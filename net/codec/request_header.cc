#include "net/codec/request_header.h"

#include "net/codec/api_key.h"

namespace ringlog {

Result<RequestHeader> DecodeRequestHeaderPrefix(WireReader& reader) {
  RequestHeader h;
  ASSIGN_OR_RETURN(h.api_key, reader.ReadInt16());
  ASSIGN_OR_RETURN(h.api_version, reader.ReadInt16());
  ASSIGN_OR_RETURN(h.correlation_id, reader.ReadInt32());
  return h;
}

bool RequestHeaderHasRest(int16_t api_key, int16_t api_version) {
  return !(api_key == static_cast<int16_t>(ApiKey::kControlledShutdown) && api_version == 0);
}

Status DecodeRequestHeaderRest(WireReader& reader, bool flexible, RequestHeader* header) {
  ASSIGN_OR_RETURN(header->client_id, reader.ReadNullableString());
  if (flexible) RETURN_IF_ERROR(reader.SkipTaggedFields());
  return Status::OK();
}

void EncodeResponseHeader(WireWriter& writer, int32_t correlation_id, bool flexible) {
  writer.WriteInt32(correlation_id);
  if (flexible) writer.WriteEmptyTaggedFields();
}

void EncodeRequestHeader(WireWriter& writer, const RequestHeader& header, bool flexible) {
  writer.WriteInt16(header.api_key);
  writer.WriteInt16(header.api_version);
  writer.WriteInt32(header.correlation_id);
  writer.WriteNullableString(header.client_id, /*flexible=*/false);
  if (flexible) writer.WriteEmptyTaggedFields();
}

}  // namespace ringlog
