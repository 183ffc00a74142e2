// Topics a broker of a cluster creates without a client asking for them by CreateTopics:
// auto-created topics (Metadata and Produce with auto.create.topics.enable) and the
// coordinators' topics (FindCoordinator). The controller creates them, as every topic.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "net/broker/broker_services.h"
#include "net/cluster/cluster_admin.h"

namespace ringlog {

// A topic auto-created by a client's use: the broker's num.partitions and
// default.replication.factor.
NewTopic AutoCreatedTopic(const BrokerConfig& config, std::string name);

// __consumer_offsets with offsets.topic.num.partitions partitions of
// offsets.topic.replication.factor replicas, kept until groups or topics go. The replication
// factor is capped at the `live_brokers` (at least 1), so that the groups of a cluster
// started with fewer brokers than that still get their coordinators.
NewTopic OffsetsTopic(const BrokerConfig& config, size_t live_brokers);

// __transaction_state with transaction.state.log.num.partitions partitions of
// transaction.state.log.replication.factor replicas, capped at `live_brokers` as the
// offsets topic's; the transaction coordinator keeps it small by its own snapshots.
NewTopic TransactionStateTopic(const BrokerConfig& config, size_t live_brokers);

// Has the controller create `topic`: through ClusterAdmin when this broker is the
// controller, else by a CreateTopics request sent to it within `timeout`. ok() when it
// was created or existed already; NOT_CONTROLLER when the controller cannot be reached
// (the client retries). REQUIRES: on the admin worker; services.cluster non-null.
AdminOutcome CreateTopicByController(BrokerServices& services, const NewTopic& topic,
                                     std::chrono::milliseconds timeout);

}  // namespace ringlog
