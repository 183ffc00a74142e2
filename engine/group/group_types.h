// The vocabulary of consumer groups, shared by the group coordinator and the protocol
// handlers: a group's states, the outcomes a group operation can have, and the plain
// requests and answers of Kafka's classic group protocol (JoinGroup, SyncGroup, ...), free
// of any wire encoding.
//
// A group moves through its states as Kafka's classic coordinator does:
//
//   Empty --join--> PreparingRebalance --all rejoined / timeout--> CompletingRebalance
//     ^                  ^                                                |
//     |                  +------ join, leave, expiry -------+     leader's SyncGroup
//     +--- last member gone ----------------------------- Stable <--------+
//
// Dead is what a deleted (or never known) group reports.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ringlog {

enum class GroupState : uint8_t {
  kEmpty,
  kPreparingRebalance,
  kCompletingRebalance,
  kStable,
  kDead,
};

// Kafka's names: "Empty", "PreparingRebalance", "CompletingRebalance", "Stable", "Dead".
std::string_view GroupStateName(GroupState state);

// Why a group operation failed; each has one Kafka error code (net/apis/group_error_code.h).
enum class GroupError : uint8_t {
  kNone,
  kInvalidGroupId,             // an empty group id
  kUnknownMemberId,            // not (or no longer) a member
  kIllegalGeneration,          // a member of another generation
  kRebalanceInProgress,        // the member must rejoin
  kInconsistentGroupProtocol,  // no protocol (type) in common with the group
  kInvalidSessionTimeout,      // outside the coordinator's bounds
  kMemberIdRequired,           // JoinGroup v4+: rejoin with the id handed out
  kFencedInstanceId,           // a static member replaced by a newer one
  kNonEmptyGroup,              // DeleteGroups of a group with members
  kGroupIdNotFound,            // DeleteGroups of an unknown group
  kCoordinatorNotAvailable,    // the offsets could not be stored, or shutting down
  kOffsetMetadataTooLarge,     // commit metadata above the coordinator's limit
  kNotCoordinator,             // the group's offsets partition is not loaded on this broker
  kInvalidProducerEpoch,       // TxnOffsetCommit from a producer epoch older than known
};

// One assignment protocol a member offers ("range", "roundrobin", ...), with its opaque
// metadata (for consumers: the subscribed topics).
struct GroupProtocol {
  std::string name;
  std::string metadata;

  bool operator==(const GroupProtocol&) const = default;
};

struct JoinGroupParams {
  std::string group_id;
  std::string member_id;                         // empty on a first join
  std::optional<std::string> group_instance_id;  // set for static members
  std::string client_id;
  std::string client_host;
  int32_t session_timeout_ms = 0;
  int32_t rebalance_timeout_ms = -1;  // -1: the session timeout (JoinGroup v0)
  std::string protocol_type;          // "consumer" for consumer groups
  std::vector<GroupProtocol> protocols;
  // JoinGroup v4+ (KIP-394): a first join gets MEMBER_ID_REQUIRED and an id to rejoin with.
  bool require_known_member_id = false;
};

struct JoinGroupResult {
  struct Member {
    std::string member_id;
    std::optional<std::string> group_instance_id;
    std::string metadata;  // for the chosen protocol
  };

  GroupError error = GroupError::kNone;
  int32_t generation_id = -1;
  std::string protocol_name;
  std::string leader_id;
  std::string member_id;        // the caller's id (also set with kMemberIdRequired)
  std::vector<Member> members;  // for the leader only
};

struct SyncGroupParams {
  struct Assignment {
    std::string member_id;
    std::string assignment;
  };

  std::string group_id;
  int32_t generation_id = -1;
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::vector<Assignment> assignments;  // the leader's; empty from the others
  // SyncGroup v5+: what the member believes the group's protocol type and chosen protocol
  // are; a mismatch is kInconsistentGroupProtocol. nullopt: not checked.
  std::optional<std::string> protocol_type;
  std::optional<std::string> protocol_name;
};

struct SyncGroupResult {
  GroupError error = GroupError::kNone;
  std::string assignment;  // the caller's own
  // The group's protocol type and chosen protocol, with an assignment (empty on an error).
  std::string protocol_type{};
  std::string protocol_name{};
};

// Who a Heartbeat, LeaveGroup or OffsetCommit comes from.
struct MemberRef {
  std::string member_id;
  std::optional<std::string> group_instance_id;
};

// A group as ListGroups shows it.
struct GroupListing {
  std::string group_id;
  std::string protocol_type;
  GroupState state = GroupState::kEmpty;
};

// A group as DescribeGroups shows it. Member metadata and assignments, and the protocol
// name, are only filled while the group is Stable, as Kafka does.
struct GroupSummary {
  struct Member {
    std::string member_id;
    std::optional<std::string> group_instance_id;
    std::string client_id;
    std::string client_host;
    std::string metadata;
    std::string assignment;
  };

  // kNotCoordinator when the group is not coordinated here (then state is Dead).
  GroupError error = GroupError::kNone;
  std::string group_id;
  GroupState state = GroupState::kDead;
  std::string protocol_type;
  std::string protocol_name;
  std::vector<Member> members;
};

}  // namespace ringlog
