#include "bench/harness/loadgen/partition_reassignment.h"

#include "bench/harness/loadgen/request_frame.h"
#include "net/codec/alter_partition_reassignments_codec.h"
#include "net/codec/api_versions_codec.h"
#include "net/codec/wire_reader.h"

namespace ringlog::bench {
namespace {

constexpr int16_t kApiVersionsVersion = 0;
constexpr int16_t kReassignmentsVersion = 0;  // flexible, as every version of API 45
constexpr int32_t kReassignmentTimeoutMs = 30000;

Status Call(KafkaConnection& connection, std::string& frame, std::vector<uint8_t>* body) {
  return connection.Call(std::span<uint8_t>(reinterpret_cast<uint8_t*>(frame.data()), frame.size()),
                         body);
}

// "<what>: error <code> <message>".
std::string ErrorText(const std::string& what, int16_t code,
                      const std::optional<std::string>& message) {
  std::string text = what + ": error " + std::to_string(code);
  if (message.has_value() && !message->empty()) text += " " + *message;
  return text;
}

}  // namespace

Result<std::optional<VersionRange>> ServedVersions(KafkaConnection& connection, int16_t api_key) {
  std::string frame =
      EncodeRequestFrame(ApiKey::kApiVersions, kApiVersionsVersion, [](WireWriter& writer) {
        EncodeApiVersionsRequest(writer, ApiVersionsRequest{}, kApiVersionsVersion);
      });
  std::vector<uint8_t> body;
  RETURN_IF_ERROR(Call(connection, frame, &body));
  WireReader reader(body);
  ASSIGN_OR_RETURN(const ApiVersionsResponse response,
                   DecodeApiVersionsResponse(reader, kApiVersionsVersion));
  if (response.error_code != 0) {
    return Status::IOError(ErrorText("ApiVersions", response.error_code, std::nullopt));
  }
  for (const ApiVersionsResponse::ApiVersionRange& r : response.api_keys) {
    if (r.api_key == api_key) return std::optional<VersionRange>({r.min_version, r.max_version});
  }
  return std::optional<VersionRange>();
}

Result<ReassignmentAnswer> RequestReassignment(KafkaConnection& connection,
                                               const std::string& topic, int32_t partition,
                                               const std::vector<int32_t>& replicas) {
  ASSIGN_OR_RETURN(const std::optional<VersionRange> served,
                   ServedVersions(connection, kAlterPartitionReassignmentsKey));
  if (!served.has_value()) {
    return Status::NotSupported(
        "the broker does not serve AlterPartitionReassignments (API 45): ApiVersions lists no "
        "such API");
  }
  if (served->min_version > kReassignmentsVersion) {
    std::string range = "v";
    range += std::to_string(served->min_version);
    range += "+";
    return Status::NotSupported("the broker serves AlterPartitionReassignments " + range +
                                " only, not v0");
  }
  AlterPartitionReassignmentsRequest request;
  request.timeout_ms = kReassignmentTimeoutMs;
  request.topics.push_back({.name = topic, .partitions = {{partition, replicas}}});
  std::string frame = EncodeRequestFrame(
      ApiKey::kAlterPartitionReassignments, kReassignmentsVersion,
      [&](WireWriter& writer) {
        EncodeAlterPartitionReassignmentsRequest(writer, request, kReassignmentsVersion);
      },
      /*flexible_header=*/true);
  std::vector<uint8_t> body;
  RETURN_IF_ERROR(Call(connection, frame, &body));
  WireReader reader(body);
  RETURN_IF_ERROR(reader.SkipTaggedFields());  // the flexible response header's
  ASSIGN_OR_RETURN(const AlterPartitionReassignmentsResponse response,
                   DecodeAlterPartitionReassignmentsResponse(reader, kReassignmentsVersion));
  if (response.error_code != 0) {
    return ReassignmentAnswer{response.error_code,
                              ErrorText("request", response.error_code, response.error_message)};
  }
  for (const AlterPartitionReassignmentsResponse::TopicResult& t : response.responses) {
    for (const AlterPartitionReassignmentsResponse::PartitionResult& p : t.partitions) {
      if (p.error_code != 0) {
        return ReassignmentAnswer{
            p.error_code, ErrorText(t.name + "-" + std::to_string(p.partition_index), p.error_code,
                                    p.error_message)};
      }
    }
  }
  return ReassignmentAnswer{};
}

}  // namespace ringlog::bench
