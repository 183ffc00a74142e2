// The two checks a broker passes to join a cluster, each against what ZooKeeper holds and
// what its data dir remembers (the backend's meta store):
//
//  - the cluster id: /cluster/id is created once, by whichever broker comes first (the
//    others' creates fail and they read the winner's); a data dir stores the id of the
//    cluster it belongs to (meta blob "cluster-id") and is refused by any other cluster;
//  - the registration: the ephemeral /brokers/ids/<id> is this broker's liveness. A node
//    held by another live session means a second broker with the same id: refused. A node
//    held by this data dir's previous session (meta blob "zk-session": a broker killed
//    before its session expired, or this one after an expiry) goes once ZooKeeper expires
//    that session, so it is waited for.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/log/storage_backend.h"
#include "engine/status.h"
#include "net/cluster/zk_client.h"
#include "net/cluster/znodes.h"

namespace ringlog {

inline constexpr std::string_view kClusterIdMeta = "cluster-id";
inline constexpr std::string_view kSessionMeta = "zk-session";

// The cluster's id: read from /cluster/id, or created there (a new random id) when absent.
// Stored in `backend` when the data dir has none yet; InvalidArgument naming both ids when
// the data dir belongs to another cluster. Busy when ZooKeeper does not answer.
Result<std::string> JoinClusterId(ZkClient& zk, StorageBackend& backend);

// Creates the persistent parents a broker needs (/brokers/ids, /brokers/topics,
// /config/topics).
Status EnsureClusterPaths(ZkClient& zk);

// Registers `broker` as the ephemeral /brokers/ids/<id> of `zk`'s session, after storing
// the session id in `backend`. A node left by this data dir's previous session is waited
// for (polled) up to `leftover_wait`; AlreadyExists "broker id N is already registered"
// when another session holds it. Ok when this session already holds it.
Status RegisterBroker(ZkClient& zk, StorageBackend& backend,
                      const znodes::BrokerRegistration& broker,
                      std::chrono::milliseconds leftover_wait);

}  // namespace ringlog
