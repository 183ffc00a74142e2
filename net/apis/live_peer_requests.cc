#include "net/apis/live_peer_requests.h"

#include <cstdint>
#include <span>

#include "net/apis/api_table.h"
#include "net/codec/api_key.h"
#include "net/codec/request_header.h"
#include "net/codec/wire_reader.h"

namespace ringlog {
namespace {

constexpr int16_t kFirstTransactionalProduceVersion = 3;

// Whether the Produce request whose header prefix `reader` has read names a transactional
// id. Non-transactional produces stay out: acks=0 ones from a client that closes right
// after sending them must still be appended.
bool IsTransactionalProduce(WireReader& reader, RequestHeader& header) {
  const ApiSpec* spec = FindApi(static_cast<int16_t>(ApiKey::kProduce));
  if (spec == nullptr || header.api_version < kFirstTransactionalProduceVersion ||
      header.api_version > spec->max_version) {
    return false;
  }
  const bool flexible = spec->IsFlexible(header.api_version);
  if (!DecodeRequestHeaderRest(reader, flexible, &header).ok()) return false;
  // The transactional id's length only: -1 (classic) or 0 (compact) is null.
  if (flexible) {
    Result<uint32_t> length_plus_one = reader.ReadUnsignedVarint();
    return length_plus_one.ok() && *length_plus_one > 0;
  }
  Result<int16_t> length = reader.ReadInt16();
  return length.ok() && *length >= 0;
}

}  // namespace

bool NeedsLivePeer(std::string_view frame) {
  WireReader reader(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(frame.data()), frame.size()));
  Result<RequestHeader> header = DecodeRequestHeaderPrefix(reader);
  if (!header.ok()) return false;
  switch (static_cast<ApiKey>(header->api_key)) {
    case ApiKey::kInitProducerId:
    case ApiKey::kAddPartitionsToTxn:
    case ApiKey::kAddOffsetsToTxn:
    case ApiKey::kEndTxn:
    case ApiKey::kTxnOffsetCommit:
      return true;
    case ApiKey::kProduce:
      return IsTransactionalProduce(reader, *header);
    default:
      return false;
  }
}

}  // namespace ringlog
