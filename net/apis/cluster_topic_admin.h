// Topic administration in a cluster (BrokerServices::cluster non-null): CreateTopics,
// DeleteTopics and CreatePartitions are the controller's work. On the controller they go
// to ClusterAdmin topic by topic; on any other broker the request frame goes to the
// controller as-is and its answer comes back to the client (net/apis/controller_forward.h;
// NOT_CONTROLLER for every topic when the controller cannot be reached, so that the
// client retries). Either way, a change that succeeded is waited for, up to the request's
// timeout_ms, until this broker's snapshot shows it (a created topic with a leader for
// every partition, a deleted one gone, a grown one with its new partitions led), so that
// the client's next request here sees it. On the controller, a change not seen by then
// answers REQUEST_TIMED_OUT, as Kafka answers a change that did not complete in time; a
// timeout_ms of 0 or less does not wait, as in Kafka.
//
// Internal topics are the brokers' own: a client may not create, delete or grow them
// (INVALID_TOPIC_EXCEPTION), but a broker's own CreateTopics (client id
// kBrokerClientId) may create the offsets topic.
//
// REQUIRES (each): on the admin worker; ctx.services().cluster non-null; `request`
// decoded from ctx (for DeleteTopics: naming no topic by both its name and its id).
#pragma once

#include <vector>

#include "engine/log/topic_config.h"
#include "net/apis/request_context.h"
#include "net/codec/create_partitions_codec.h"
#include "net/codec/create_topics_codec.h"
#include "net/codec/delete_topics_codec.h"

namespace ringlog {

class LogManager;

// Every topic config in effect for a topic with `overrides`, with its value and source, as
// CreateTopics v5+ describes a created topic.
std::vector<CreateTopicsResponse::Config> CreatedTopicConfigs(const LogManager& logs,
                                                              const ConfigMap& overrides);

void ServeCreateTopicsInCluster(RequestContext& ctx, const CreateTopicsRequest& request);
void ServeDeleteTopicsInCluster(RequestContext& ctx, const DeleteTopicsRequest& request);
void ServeCreatePartitionsInCluster(RequestContext& ctx, const CreatePartitionsRequest& request);

}  // namespace ringlog
