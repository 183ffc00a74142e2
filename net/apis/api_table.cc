#include "net/apis/api_table.h"

#include <glog/logging.h>

#include <algorithm>
#include <array>
#include <vector>

#include "net/apis/apis.h"

namespace ringlog {
namespace {

struct Table {
  std::vector<ApiSpec> served;
  // Indexed by key, so dispatch is one load.
  std::array<const ApiSpec*, kApiKeyLimit> by_key{};
};

Table* BuildTable() {
  auto* table = new Table{.served = {
                              kProduceApi,
                              kFetchApi,
                              kListOffsetsApi,
                              kMetadataApi,
                              kApiVersionsApi,
                              kCreateTopicsApi,
                              kDeleteTopicsApi,
                              kDeleteRecordsApi,
                              kDescribeConfigsApi,
                              kAlterConfigsApi,
                              kCreatePartitionsApi,
                              kFindCoordinatorApi,
                              kJoinGroupApi,
                              kSyncGroupApi,
                              kHeartbeatApi,
                              kLeaveGroupApi,
                              kOffsetCommitApi,
                              kOffsetFetchApi,
                              kListGroupsApi,
                              kDescribeGroupsApi,
                              kDeleteGroupsApi,
                              kIncrementalAlterConfigsApi,
                              kInitProducerIdApi,
                              kDescribeProducersApi,
                              kAddPartitionsToTxnApi,
                              kAddOffsetsToTxnApi,
                              kEndTxnApi,
                              kTxnOffsetCommitApi,
                              kListTransactionsApi,
                              kDescribeTransactionsApi,
                              kWriteTxnMarkersApi,
                              kDescribeClusterApi,
                              kOffsetForLeaderEpochApi,
                              kAlterPartitionApi,
                              kAlterPartitionReassignmentsApi,
                              kListPartitionReassignmentsApi,
                              kControlledShutdownApi,
                              kElectLeadersApi,
                          }};
  std::sort(table->served.begin(), table->served.end(), [](const ApiSpec& a, const ApiSpec& b) {
    return static_cast<int16_t>(a.key) < static_cast<int16_t>(b.key);
  });
  for (const ApiSpec& spec : table->served) {
    const auto key = static_cast<int16_t>(spec.key);
    CHECK(key >= 0 && key < kApiKeyLimit) << "API key " << key << " outside the table";
    CHECK(table->by_key[key] == nullptr) << ApiName(key) << " listed twice";
    CHECK_EQ(spec.min_version, 0) << ApiName(key) << " must be advertised from version 0";
    CHECK_LE(spec.min_version, spec.max_version) << ApiName(key);
    table->by_key[key] = &spec;
  }
  return table;
}

const Table& GetTable() {
  static const Table* const table = BuildTable();
  return *table;
}

}  // namespace

std::span<const ApiSpec> ServedApis() { return GetTable().served; }

const ApiSpec* FindApi(int16_t key) {
  if (key < 0 || key >= kApiKeyLimit) return nullptr;
  return GetTable().by_key[key];
}

}  // namespace ringlog
