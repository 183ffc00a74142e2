// Appends one transaction marker to a partition this broker leads, as Kafka's broker does
// for WriteTxnMarkers: only the leader appends (NOT_LEADER_OR_FOLLOWER,
// UNKNOWN_TOPIC_OR_PARTITION otherwise), the partition's producer state may refuse the
// marker (INVALID_PRODUCER_EPOCH, TRANSACTION_COORDINATOR_FENCED), and the marker counts
// as written with acks=all: flushed when the broker flushes for acks=all and, in a cluster,
// once the high watermark passed it (min.insync.replicas applies). A marker in
// __consumer_offsets then completes the producer's pending transactional offsets there
// (GroupCoordinator::CompleteTransaction) before it is reported written.
//
// Used by the WriteTxnMarkers handler and by the marker writer for partitions led here.
#pragma once

#include <functional>

#include "engine/log/control_batch.h"
#include "engine/types.h"
#include "net/broker/broker_services.h"
#include "net/codec/error_code.h"

namespace ringlog {

// Appends `marker` to `partition` and runs `done` once, with kNone when it is written as
// above, else with the error (nothing appended unless the error came from the flush or
// the replication). `done` may run before the call returns or later on a flusher or
// replication thread. `services` must outlive the call's callbacks.
void AppendLocalMarker(const BrokerServices& services, const PartitionId& partition,
                       const ControlMarker& marker, std::function<void(ErrorCode)> done);

}  // namespace ringlog
