#include "net/apis/group_error_code.h"

namespace ringlog {
namespace {

// OFFSET_METADATA_TOO_LARGE, which only OffsetCommit returns.
constexpr int16_t kOffsetMetadataTooLarge = 12;

}  // namespace

int16_t GroupErrorCode(GroupError error) {
  switch (error) {
    case GroupError::kNone:
      return ToWire(ErrorCode::kNone);
    case GroupError::kInvalidGroupId:
      return ToWire(ErrorCode::kInvalidGroupId);
    case GroupError::kUnknownMemberId:
      return ToWire(ErrorCode::kUnknownMemberId);
    case GroupError::kIllegalGeneration:
      return ToWire(ErrorCode::kIllegalGeneration);
    case GroupError::kRebalanceInProgress:
      return ToWire(ErrorCode::kRebalanceInProgress);
    case GroupError::kInconsistentGroupProtocol:
      return ToWire(ErrorCode::kInconsistentGroupProtocol);
    case GroupError::kInvalidSessionTimeout:
      return ToWire(ErrorCode::kInvalidSessionTimeout);
    case GroupError::kMemberIdRequired:
      return ToWire(ErrorCode::kMemberIdRequired);
    case GroupError::kFencedInstanceId:
      return ToWire(ErrorCode::kFencedInstanceId);
    case GroupError::kNonEmptyGroup:
      return ToWire(ErrorCode::kNonEmptyGroup);
    case GroupError::kGroupIdNotFound:
      return ToWire(ErrorCode::kGroupIdNotFound);
    case GroupError::kCoordinatorNotAvailable:
      return ToWire(ErrorCode::kCoordinatorNotAvailable);
    case GroupError::kOffsetMetadataTooLarge:
      return kOffsetMetadataTooLarge;
    case GroupError::kNotCoordinator:
      return ToWire(ErrorCode::kNotCoordinator);
    case GroupError::kInvalidProducerEpoch:
      return ToWire(ErrorCode::kInvalidProducerEpoch);
  }
  return ToWire(ErrorCode::kUnknownServerError);
}

std::string ClientHost(const std::string& peer) {
  const size_t colon = peer.rfind(':');
  std::string host = colon == std::string::npos ? peer : peer.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return "/" + host;
}

}  // namespace ringlog
