// Transactions on a 3-broker cluster (issue 17): __transaction_state and the data topic
// replicated three times, so that a transaction's coordinator (the leader of its id's
// state partition) writes markers to partition leaders on other brokers through
// WriteTxnMarkers. kafkajs 2.2.4 commits, aborts and commits; kafkajs and librdkafka 2.12
// read_committed consumers see exactly the committed records, read_uncommitted all of
// them. Run with `node test_cluster_transactions_js.js`.
'use strict';

const assert = require('node:assert/strict');
const { test } = require('node:test');

const { Cluster, ZooKeeperServer, kafkaOn } = require('./cluster_fixture');
const {
  readCommittedWithLibrdkafka, readWithKafkaJs, transaction, transactionalProducer, values,
} = require('./txn_checks');

setTimeout(() => {
  console.error('test_cluster_transactions_js: timed out');
  process.exit(1);
}, 240000).unref();

const TOPIC = 'txn-spread';
const PARTITIONS = 6;
const PER_TXN = 30;
const BROKER_ARGS = ['--group_initial_rebalance_delay_ms=100',
  '--transaction_state_log_num_partitions=6', '--transaction_state_log_replication_factor=3',
  '--offsets_topic_replication_factor=3', '--default_replication_factor=3'];

test('kafkajs transactions on a 3-broker cluster', { timeout: 200000 }, async () => {
  const zookeeper = await new ZooKeeperServer().start();
  const cluster = new Cluster(zookeeper, 3, BROKER_ARGS);
  try {
    await cluster.start();
    const bootstraps = [...cluster.brokers.values()].map(b => b.bootstrap);
    const kafka = kafkaOn(bootstraps);
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({ waitForLeaders: true,
        topics: [{ topic: TOPIC, numPartitions: PARTITIONS, replicationFactor: 3 }] });
    } finally {
      await admin.disconnect();
    }
    const [first, aborted, third] = ['commit1', 'abort2', 'commit3'].map(p => values(p, PER_TXN));
    // Several transactional ids, so that coordinators sit on different brokers.
    for (const id of ['cluster-txn-a', 'cluster-txn-b', 'cluster-txn-c']) {
      const producer = transactionalProducer(kafka, id);
      await producer.connect();
      try {
        const tag = m => ({ key: m.key, value: `${id}:${m.value}` });
        await transaction(producer, TOPIC, first.map(tag), true);
        await transaction(producer, TOPIC, aborted.map(tag), false);
        await transaction(producer, TOPIC, third.map(tag), true);
      } finally {
        await producer.disconnect();
      }
    }
    const ids = ['cluster-txn-a', 'cluster-txn-b', 'cluster-txn-c'];
    const all = (...sets) => ids.flatMap(id => sets.flat().map(m => `${id}:${m.value}`)).sort();
    const committed = all(first, third);
    const everything = all(first, aborted, third);
    assert.deepEqual(await readWithKafkaJs(kafka, TOPIC, false, committed.length), committed,
      'kafkajs read_committed');
    assert.deepEqual(await readWithKafkaJs(kafka, TOPIC, true, everything.length), everything,
      'kafkajs read_uncommitted');
    assert.deepEqual(await readCommittedWithLibrdkafka(bootstraps.join(','), TOPIC, PARTITIONS,
      committed.length), committed, 'librdkafka read_committed');
    cluster.checkAlive();
  } catch (err) {
    console.error(cluster.logTails(40));
    throw err;
  } finally {
    cluster.close();
    zookeeper.close();
  }
});
