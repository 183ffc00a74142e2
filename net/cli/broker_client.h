// BrokerClient: the Kafka requests `ringlog reassign` sends, over one connection to one
// broker at a time (ControllerChannel), each a whole exchange within the timeout.
//
// Thread safety: thread-compatible.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "engine/status.h"
#include "net/cluster/controller_channel.h"
#include "net/codec/alter_partition_reassignments_codec.h"
#include "net/codec/list_partition_reassignments_codec.h"
#include "net/codec/metadata_codec.h"

namespace ringlog {

class BrokerClient {
 public:
  BrokerClient(std::string host, int32_t port, std::chrono::milliseconds timeout);

  // Metadata of every topic (v12): the live brokers, the controller, replicas and leaders.
  Result<MetadataResponse> Metadata();
  Result<AlterPartitionReassignmentsResponse> AlterPartitionReassignments(
      const AlterPartitionReassignmentsRequest& request);
  Result<ListPartitionReassignmentsResponse> ListPartitionReassignments(
      const ListPartitionReassignmentsRequest& request);

  const std::string& host() const { return host_; }
  int32_t port() const { return port_; }

 private:
  // Sends the request (header v2: every version used here is flexible) and returns the
  // response frame.
  Result<std::string> Exchange(int16_t api_key, int16_t version,
                               const std::function<void(WireWriter&)>& encode_body);

  const std::string host_;
  const int32_t port_;
  const std::chrono::milliseconds timeout_;
  int32_t next_correlation_id_ = 1;
  ControllerChannel channel_;
};

// "host:port" into its parts. InvalidArgument when it is not of that form.
Status ParseHostPort(const std::string& text, std::string* host, int32_t* port);

}  // namespace ringlog
