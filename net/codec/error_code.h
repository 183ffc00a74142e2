// Kafka protocol error codes (int16 on the wire) that ringlog returns, and the one place
// where an engine Status becomes a Kafka error code.
#pragma once

#include <cstdint>

#include "engine/status.h"

namespace ringlog {

enum class ErrorCode : int16_t {
  kUnknownServerError = -1,  // unexpected failure; the broker log says more
  kNone = 0,
  kOffsetOutOfRange = 1,  // fetch/list offset outside [log start, high watermark]
  kCorruptMessage = 2,    // batch CRC mismatch or unparsable batch
  kUnknownTopicOrPartition = 3,
  kLeaderNotAvailable = 5,  // topic just auto-created
  kNotLeaderOrFollower = 6,
  kRequestTimedOut = 7,
  kBrokerNotAvailable = 8,  // ControlledShutdown: the broker is not registered
  kMessageTooLarge = 10,    // batch above max.message.bytes
  kNetworkException = 13,   // a broker-to-broker exchange failed
  kCoordinatorLoadInProgress = 14,
  kCoordinatorNotAvailable = 15,
  kNotCoordinator = 16,
  kInvalidTopicException = 17,  // illegal topic name
  kRecordListTooLarge = 18,
  kNotEnoughReplicas = 19,             // acks=all: the ISR is below min.insync.replicas
  kNotEnoughReplicasAfterAppend = 20,  // appended, but the ISR shrank below it meanwhile
  kInvalidRequiredAcks = 21,
  kIllegalGeneration = 22,
  kInconsistentGroupProtocol = 23,
  kInvalidGroupId = 24,
  kUnknownMemberId = 25,
  kInvalidSessionTimeout = 26,
  kRebalanceInProgress = 27,
  kInvalidCommitOffsetSize = 28,
  kInvalidTimestamp = 32,
  kUnsupportedSaslMechanism = 33,
  kUnsupportedVersion = 35,
  kTopicAlreadyExists = 36,
  kInvalidPartitions = 37,
  kInvalidReplicationFactor = 38,
  kInvalidReplicaAssignment = 39,
  kInvalidConfig = 40,
  kNotController = 41,
  kInvalidRequest = 42,
  kUnsupportedForMessageFormat = 43,
  kPolicyViolation = 44,
  kOutOfOrderSequenceNumber = 45,
  kDuplicateSequenceNumber = 46,
  kInvalidProducerEpoch = 47,
  kInvalidTxnState = 48,           // the transaction request does not fit its state
  kInvalidProducerIdMapping = 49,  // the transactional id has another producer id
  kInvalidTransactionTimeout = 50,
  kConcurrentTransactions = 51,  // a transaction of the id is completing; retry
  kTransactionCoordinatorFenced = 52,
  kTransactionalIdAuthorizationFailed = 53,  // Produce: transactional records, no transactional id
  kOperationNotAttempted = 55,
  kKafkaStorageError = 56,  // the storage medium failed
  kUnknownProducerId = 59,
  kNonEmptyGroup = 68,
  kGroupIdNotFound = 69,
  kFencedLeaderEpoch = 74,   // the request's leader epoch is older than the broker's
  kUnknownLeaderEpoch = 75,  // the request's leader epoch is newer than the broker's
  kUnsupportedCompressionType = 76,
  kStaleBrokerEpoch = 77,  // AlterPartition, ControlledShutdown: not the broker's registration
  kMemberIdRequired = 79,
  kPreferredLeaderNotAvailable = 80,  // ElectLeaders: the preferred replica cannot lead now
  kFencedInstanceId = 82,
  kEligibleLeadersNotAvailable = 83,  // ElectLeaders: no live replica may lead
  kElectionNotNeeded = 84,            // ElectLeaders: the partition already has that leader
  kNoReassignmentInProgress = 85,     // a cancelled reassignment that is not in progress
  kInvalidRecord = 87,
  kUnstableOffsetCommit = 88,  // OffsetFetch require_stable: a transaction holds offsets
  kProducerFenced = 90,        // a newer epoch of the transactional id exists
  kInvalidUpdateVersion = 95,  // AlterPartition: the partition epoch is stale
  kUnknownTopicId = 100,
  kTransactionalIdNotFound = 105,
  kIneligibleReplica = 107,  // AlterPartition: a proposed ISR member may not join
  kUnsupportedEndpointType = 119,
  kTransactionAbortable = 120,  // KIP-890: the transaction must be aborted
};

// The code a client should see for an engine failure:
//   NotFound -> UNKNOWN_TOPIC_OR_PARTITION, OutOfRange -> OFFSET_OUT_OF_RANGE,
//   Corruption -> CORRUPT_MESSAGE, TooLarge -> MESSAGE_TOO_LARGE,
//   InvalidArgument -> INVALID_REQUEST, AlreadyExists -> TOPIC_ALREADY_EXISTS,
//   NotSupported -> UNSUPPORTED_VERSION, IOError -> KAFKA_STORAGE_ERROR,
//   Busy -> REQUEST_TIMED_OUT, OK -> NONE.
// Handlers needing another mapping (INVALID_CONFIG, INVALID_RECORD) choose it themselves.
ErrorCode ToErrorCode(const Status& status);

inline int16_t ToWire(ErrorCode code) { return static_cast<int16_t>(code); }

}  // namespace ringlog
