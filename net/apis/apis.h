// The ApiSpec of every API the broker serves, one per handler file (`<api>_api.cc`).
// Adding an API is a declaration here and one line in api_table.cc.
#pragma once

#include "net/apis/api_spec.h"

namespace ringlog {

// The data path.
extern const ApiSpec kProduceApi;
extern const ApiSpec kFetchApi;
extern const ApiSpec kListOffsetsApi;
extern const ApiSpec kMetadataApi;
extern const ApiSpec kApiVersionsApi;
extern const ApiSpec kOffsetForLeaderEpochApi;

// Administration.
extern const ApiSpec kCreateTopicsApi;
extern const ApiSpec kDeleteTopicsApi;
extern const ApiSpec kDeleteRecordsApi;
extern const ApiSpec kDescribeConfigsApi;
extern const ApiSpec kAlterConfigsApi;
extern const ApiSpec kIncrementalAlterConfigsApi;
extern const ApiSpec kCreatePartitionsApi;
extern const ApiSpec kDescribeClusterApi;
extern const ApiSpec kAlterPartitionReassignmentsApi;
extern const ApiSpec kListPartitionReassignmentsApi;
extern const ApiSpec kElectLeadersApi;

// Replication: the controller's side.
extern const ApiSpec kAlterPartitionApi;
extern const ApiSpec kControlledShutdownApi;

// Consumer groups and committed offsets.
extern const ApiSpec kFindCoordinatorApi;
extern const ApiSpec kJoinGroupApi;
extern const ApiSpec kSyncGroupApi;
extern const ApiSpec kHeartbeatApi;
extern const ApiSpec kLeaveGroupApi;
extern const ApiSpec kOffsetCommitApi;
extern const ApiSpec kOffsetFetchApi;
extern const ApiSpec kListGroupsApi;
extern const ApiSpec kDescribeGroupsApi;
extern const ApiSpec kDeleteGroupsApi;

// Idempotent producers.
extern const ApiSpec kInitProducerIdApi;
extern const ApiSpec kDescribeProducersApi;

// Transactions.
extern const ApiSpec kAddPartitionsToTxnApi;
extern const ApiSpec kAddOffsetsToTxnApi;
extern const ApiSpec kEndTxnApi;
extern const ApiSpec kTxnOffsetCommitApi;
extern const ApiSpec kListTransactionsApi;
extern const ApiSpec kDescribeTransactionsApi;

// Transactions: the partition leader's side.
extern const ApiSpec kWriteTxnMarkersApi;

}  // namespace ringlog
