#include "bench/harness/loadgen/partition_reassignment.h"

#include "bench/harness/loadgen/request_frame.h"
#include "net/codec/api_versions_codec.h"
#include "net/codec/wire_reader.h"

namespace ringlog::bench {
namespace {

constexpr int16_t kApiVersionsVersion = 0;
constexpr int16_t kReassignmentsVersion = 0;  // every version of API 45 is flexible
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
  std::string frame = EncodeRequestFrame(
      static_cast<ApiKey>(kAlterPartitionReassignmentsKey), kReassignmentsVersion,
      [&](WireWriter& w) {
        constexpr bool kFlexible = true;
        w.WriteInt32(kReassignmentTimeoutMs);
        w.WriteArrayLength(1, kFlexible);  // topics
        w.WriteString(topic, kFlexible);
        w.WriteArrayLength(1, kFlexible);  // partitions
        w.WriteInt32(partition);
        w.WriteArrayLength(static_cast<int32_t>(replicas.size()), kFlexible);
        for (const int32_t r : replicas) w.WriteInt32(r);
        w.WriteEmptyTaggedFields();  // partition
        w.WriteEmptyTaggedFields();  // topic
        w.WriteEmptyTaggedFields();  // request
      },
      /*flexible_header=*/true);
  std::vector<uint8_t> body;
  RETURN_IF_ERROR(Call(connection, frame, &body));
  WireReader reader(body);
  RETURN_IF_ERROR(reader.SkipTaggedFields());  // the flexible response header's
  ASSIGN_OR_RETURN(const int32_t throttle_time_ms, reader.ReadInt32());
  static_cast<void>(throttle_time_ms);
  ASSIGN_OR_RETURN(const int16_t error_code, reader.ReadInt16());
  ASSIGN_OR_RETURN(const std::optional<std::string> error_message,
                   reader.ReadCompactNullableString());
  if (error_code != 0) {
    return ReassignmentAnswer{error_code, ErrorText("request", error_code, error_message)};
  }
  ASSIGN_OR_RETURN(const int32_t topics, reader.ReadArrayLength(/*flexible=*/true));
  for (int32_t t = 0; t < topics; ++t) {
    ASSIGN_OR_RETURN(const std::string name, reader.ReadCompactString());
    ASSIGN_OR_RETURN(const int32_t partitions, reader.ReadArrayLength(/*flexible=*/true));
    for (int32_t p = 0; p < partitions; ++p) {
      ASSIGN_OR_RETURN(const int32_t index, reader.ReadInt32());
      ASSIGN_OR_RETURN(const int16_t code, reader.ReadInt16());
      ASSIGN_OR_RETURN(const std::optional<std::string> message,
                       reader.ReadCompactNullableString());
      RETURN_IF_ERROR(reader.SkipTaggedFields());
      if (code != 0) {
        return ReassignmentAnswer{code,
                                  ErrorText(name + "-" + std::to_string(index), code, message)};
      }
    }
    RETURN_IF_ERROR(reader.SkipTaggedFields());
  }
  return ReassignmentAnswer{};
}

}  // namespace ringlog::bench
