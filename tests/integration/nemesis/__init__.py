"""The nemesis test's library (tests/integration/test_cluster_nemesis.py, and its long form
scripts/nemesis.sh): a ZooKeeper proxy per broker that the test can cut, the workload
(producers recording every acknowledgement, a consumer group recording what it read), the
seeded nemesis that injects faults, a monitor of partitions without a leader, and the
checker that judges the final logs against those records."""
