// kafkajs 2.2.4's admin moves a partition on a 3-broker cluster (AlterPartitionReassignments,
// which kafkajs sends to the controller), follows the move with ListPartitionReassignments
// until it is done, and finds the partition on its new replicas, led by the first of them,
// with every message written before the move still there. A move onto a broker that is not
// registered is refused with INVALID_REPLICA_ASSIGNMENT. Run with
// `node test_cluster_reassign_kafkajs.js`; it exits non-zero when the test fails or times out.
'use strict';

const assert = require('node:assert/strict');
const { test } = require('node:test');

const { Cluster, ZooKeeperServer, kafkaOn } = require('./cluster_fixture');

setTimeout(() => {
  console.error('test_cluster_reassign_kafkajs: timed out');
  process.exit(1);
}, 120000).unref();

const TOPIC = 'js-move';
const MESSAGES = 200;

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

test('kafkajs moves a partition and lists the move', { timeout: 110000 }, async () => {
  const zookeeper = await new ZooKeeperServer().start();
  const cluster = new Cluster(zookeeper, 3);
  try {
    await cluster.start();
    const kafka = kafkaOn([cluster.broker(1).bootstrap]);
    const admin = kafka.admin();
    await admin.connect();
    try {
      assert.equal(await admin.createTopics({
        topics: [{ topic: TOPIC, replicaAssignment: [{ partition: 0, replicas: [1, 2] }] }],
      }), true);
      const producer = kafka.producer();
      await producer.connect();
      try {
        const messages = Array.from({ length: MESSAGES }, (_, i) => ({ value: String(i) }));
        await producer.send({ topic: TOPIC, acks: -1, messages });
      } finally {
        await producer.disconnect();
      }

      await assert.rejects(
        admin.alterPartitionReassignments({
          topics: [{ topic: TOPIC, partitionAssignment: [{ partition: 0, replicas: [1, 9] }] }],
        }),
        e => e.type === 'INVALID_REPLICA_ASSIGNMENT' ||
          (e.errors || []).some(inner => inner.type === 'INVALID_REPLICA_ASSIGNMENT'));

      await admin.alterPartitionReassignments({
        topics: [{ topic: TOPIC, partitionAssignment: [{ partition: 0, replicas: [3, 1] }] }],
      });
      const deadline = Date.now() + 30000;
      let listed;
      do {
        listed = await admin.listPartitionReassignments({ topics: [{ topic: TOPIC, partitions: [0] }] });
        if (listed.topics.length === 0) break;
        const move = listed.topics[0].partitions[0];
        assert.deepEqual(move.addingReplicas, [3]);
        assert.deepEqual(move.removingReplicas, [2]);
        await sleep(100);
      } while (Date.now() < deadline);
      assert.deepEqual(listed.topics, []);

      let partition;
      while (Date.now() < deadline) {
        const { topics } = await admin.fetchTopicMetadata({ topics: [TOPIC] });
        partition = topics[0].partitions[0];
        if (partition.leader === 3 && partition.isr.length === 2) break;
        await sleep(100);
      }
      assert.deepEqual(partition.replicas, [3, 1]);
      assert.equal(partition.leader, 3);
      const offsets = await admin.fetchTopicOffsets(TOPIC);
      assert.equal(Number(offsets[0].high), MESSAGES);
    } finally {
      await admin.disconnect();
    }
    cluster.checkAlive();
  } finally {
    cluster.close();
    zookeeper.close();
  }
});
