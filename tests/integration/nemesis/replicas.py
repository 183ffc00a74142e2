"""Reading what the cluster holds at the end of a nemesis run: each partition from its final
leader (as a consumer, up to the high watermark), then every replica's own bytes.

A broker serves Fetch only for the partitions it leads, so a follower's bytes cannot be read
while the cluster runs without moving leadership, which would let the controller's choices
decide what is compared. Instead every broker is stopped (SIGTERM) once the leaders were
read, and each data directory is opened in turn by a single ringlog with no ZooKeeper (a
broker of its own, leading all it holds): its log, as stored, up to its log end."""

import time

from cluster_wire import NONE, list_offsets, read_log
from ringlog_fixture import Broker


def settled_high_watermarks(cluster, topic, partitions, timeout=30.0, quiet=2.0):
    """{partition: (leader, high watermark)} once no leader's high watermark moved for
    `quiet` seconds (the producers have stopped; the followers' last fetches carry it to
    the log end); AssertionError after `timeout`."""
    deadline = time.time() + timeout
    last, since = None, time.time()
    while time.time() < deadline:
        leaders = cluster.leaders(topic)
        now = {}
        for p in range(partitions):
            leader = leaders.get(p, -1)
            if leader not in cluster.live_ids:
                break
            error, offset = list_offsets(cluster.broker(leader).port, topic, p)
            if error != NONE:
                break
            now[p] = (leader, offset)
        if len(now) == partitions and now == last:
            if time.time() - since >= quiet:
                return now
        else:
            last, since = (now if len(now) == partitions else None), time.time()
        time.sleep(0.2)
    raise AssertionError("the high watermarks of %s did not settle (last: %s)" % (topic, last))


def leader_logs(cluster, topic, leaders):
    """{partition: bytes} read from each partition's leader up to its high watermark."""
    return {p: read_log(cluster.broker(leader).port, topic, p)
            for p, (leader, _) in leaders.items()}


def replica_logs(cluster, topic, holders):
    """{partition: {broker: bytes}} of every replica in `holders` ({partition: [broker]}),
    read as the module's comment says. Stops every broker of the cluster; {broker: exit
    code} of those stops is returned too."""
    codes = {i: cluster.stop(i) for i in cluster.live_ids}
    logs = {p: {} for p in holders}
    for broker_id in sorted({b for ids in holders.values() for b in ids}):
        reader = Broker(data_dir=cluster.broker(broker_id).data_dir,
                        backend=cluster.broker(broker_id).backend)
        reader.start()
        try:
            for p, ids in holders.items():
                if broker_id in ids:
                    logs[p][broker_id] = read_log(reader.port, topic, p)
        finally:
            reader.stop()
    return logs, codes
