#include "net/cli/broker_client.h"

#include <charconv>
#include <span>
#include <utility>

#include "net/codec/api_key.h"
#include "net/codec/request_header.h"
#include "net/codec/wire_reader.h"
#include "net/codec/wire_writer.h"

namespace ringlog {
namespace {

constexpr int16_t kMetadataVersion = 12;
constexpr std::string_view kClientId = "ringlog-reassign";

WireReader ReaderOver(const std::string& frame) {
  return WireReader(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(frame.data()), frame.size()));
}

// Skips the flexible response header (correlation id, checked by the channel, and tags).
Status SkipResponseHeader(WireReader& reader) {
  RETURN_IF_ERROR(reader.ReadInt32().status());
  return reader.SkipTaggedFields();
}

}  // namespace

BrokerClient::BrokerClient(std::string host, int32_t port, std::chrono::milliseconds timeout)
    : host_(std::move(host)), port_(port), timeout_(timeout) {}

Result<std::string> BrokerClient::Exchange(int16_t api_key, int16_t version,
                                           const std::function<void(WireWriter&)>& encode_body) {
  std::string frame;
  WireWriter writer(&frame);
  EncodeRequestHeader(
      writer, RequestHeader{api_key, version, next_correlation_id_++, std::string(kClientId)},
      /*flexible=*/true);
  encode_body(writer);
  return channel_.Exchange(host_, port_, frame, timeout_);
}

Result<MetadataResponse> BrokerClient::Metadata() {
  MetadataRequest request;
  request.topics = std::nullopt;
  request.allow_auto_topic_creation = false;
  ASSIGN_OR_RETURN(
      std::string frame,
      Exchange(static_cast<int16_t>(ApiKey::kMetadata), kMetadataVersion,
               [&](WireWriter& w) { EncodeMetadataRequest(w, request, kMetadataVersion); }));
  WireReader reader = ReaderOver(frame);
  RETURN_IF_ERROR(SkipResponseHeader(reader));
  return DecodeMetadataResponse(reader, kMetadataVersion);
}

Result<AlterPartitionReassignmentsResponse> BrokerClient::AlterPartitionReassignments(
    const AlterPartitionReassignmentsRequest& request) {
  constexpr int16_t kVersion = kAlterPartitionReassignmentsMaxVersion;
  ASSIGN_OR_RETURN(std::string frame,
                   Exchange(static_cast<int16_t>(ApiKey::kAlterPartitionReassignments), kVersion,
                            [&](WireWriter& w) {
                              EncodeAlterPartitionReassignmentsRequest(w, request, kVersion);
                            }));
  WireReader reader = ReaderOver(frame);
  RETURN_IF_ERROR(SkipResponseHeader(reader));
  return DecodeAlterPartitionReassignmentsResponse(reader, kVersion);
}

Result<ListPartitionReassignmentsResponse> BrokerClient::ListPartitionReassignments(
    const ListPartitionReassignmentsRequest& request) {
  constexpr int16_t kVersion = kListPartitionReassignmentsMaxVersion;
  ASSIGN_OR_RETURN(std::string frame,
                   Exchange(static_cast<int16_t>(ApiKey::kListPartitionReassignments), kVersion,
                            [&](WireWriter& w) {
                              EncodeListPartitionReassignmentsRequest(w, request, kVersion);
                            }));
  WireReader reader = ReaderOver(frame);
  RETURN_IF_ERROR(SkipResponseHeader(reader));
  return DecodeListPartitionReassignmentsResponse(reader, kVersion);
}

Status ParseHostPort(const std::string& text, std::string* host, int32_t* port) {
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return Status::InvalidArgument("'" + text + "' is not host:port");
  }
  const char* begin = text.data() + colon + 1;
  const char* end = text.data() + text.size();
  int32_t value = 0;
  auto [at, error] = std::from_chars(begin, end, value);
  if (error != std::errc() || at != end || value <= 0 || value > 65535) {
    return Status::InvalidArgument("'" + text + "' has no port number (1-65535)");
  }
  *host = text.substr(0, colon);
  if (host->size() > 2 && host->front() == '[' && host->back() == ']') {
    *host = host->substr(1, host->size() - 2);
  }
  *port = value;
  return Status::OK();
}

}  // namespace ringlog
