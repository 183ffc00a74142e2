// How the data-path handlers (Metadata, Produce) find a topic: an existing one, or a new
// one created on first use when the broker's auto.create.topics.enable and the request
// both allow it, with the broker's num.partitions. Creating is topic administration, so it
// happens on the admin worker only (net/broker/admin_worker.h): a handler on an event loop
// looks up with FindTopic and, when a topic is to be created, hands the request over.
//
// In a cluster (services.cluster non-null) the topics are the snapshot's, and the
// controller creates a topic (net/apis/cluster_topic_creation.h); its leaders are not
// known yet when it answers, so the created topic is LEADER_NOT_AVAILABLE until the
// client asks again.
#pragma once

#include <cstdint>
#include <string_view>

#include "net/broker/broker_services.h"
#include "net/codec/error_code.h"

namespace ringlog {

struct TopicLookup {
  // kNone with the topic's partition count; kInvalidTopicException for an illegal name;
  // kUnknownTopicOrPartition when it does not exist and was not created; the storage
  // error when creating it failed; in a cluster, kLeaderNotAvailable when the controller
  // has just created it (or could not be reached in time), else the controller's error.
  ErrorCode error = ErrorCode::kNone;
  int32_t partitions = 0;
  // FindTopic only: the topic does not exist and auto-creation applies, so the request
  // must go to the admin worker (`error` is kUnknownTopicOrPartition meanwhile).
  bool to_create = false;
};

// Never creates. Thread-safe; does not wait for topic administration in progress.
TopicLookup FindTopic(const BrokerServices& services, std::string_view name,
                      bool request_allows_creation);

// FindTopic, but creates the topic when it says to_create. REQUIRES: on the admin worker.
TopicLookup FindOrCreateTopic(BrokerServices& services, std::string_view name,
                              bool request_allows_creation);

}  // namespace ringlog
