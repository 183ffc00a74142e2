// kafkajs 2.2.4 on a 3-broker cluster, each client knowing one broker only: the admin
// creates a 6-partition topic through a broker that is not the controller and sees two
// leaders on each broker; a producer's keyed messages are read back by a consumer group
// exactly once, in the order sent within each partition, where the producer was told they
// went; the group's committed offsets are the partitions' ends. Run with
// `node test_cluster_kafkajs.js`; it exits non-zero when the test fails or times out.
'use strict';

const assert = require('node:assert/strict');
const { test } = require('node:test');

const { Cluster, ZooKeeperServer, kafkaOn } = require('./cluster_fixture');

setTimeout(() => {
  console.error('test_cluster_kafkajs: timed out');
  process.exit(1);
}, 180000).unref();

const TOPIC = 'js-spread';
const PARTITIONS = 6;
const MESSAGES = 600;
const KEYS = 60;

async function withAdmin(kafka, body) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await body(admin);
  } finally {
    await admin.disconnect();
  }
}

// Until the topic's metadata shows a leader for every partition; {partition: leader}.
async function leadersOf(admin, topic, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    last = topics[0].partitions;
    if (last.length === PARTITIONS && last.every(p => p.leader >= 0)) {
      return Object.fromEntries(last.map(p => [p.partitionId, p.leader]));
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }
  throw new Error(`no leaders for ${topic}: ${JSON.stringify(last)}`);
}

// Each message once, each key in one partition, offsets 0.. in every partition and the
// sequence numbers (the values) rising within each.
function assertExactlyOnceInOrder(read) {
  assert.deepEqual(read.map(r => Number(r.value)).sort((a, b) => a - b),
    Array.from({ length: MESSAGES }, (_, i) => i));
  const partitionOfKey = new Map();
  const byPartition = new Map();
  for (const r of read) {
    if (!partitionOfKey.has(r.key)) partitionOfKey.set(r.key, r.partition);
    assert.equal(partitionOfKey.get(r.key), r.partition, `key ${r.key} in two partitions`);
    if (!byPartition.has(r.partition)) byPartition.set(r.partition, []);
    byPartition.get(r.partition).push(r);
  }
  assert.equal(byPartition.size, PARTITIONS);
  for (const [partition, records] of byPartition) {
    records.sort((a, b) => a.offset - b.offset);
    assert.deepEqual(records.map(r => r.offset), records.map((_, i) => i), `partition ${partition}`);
    const values = records.map(r => Number(r.value));
    assert.deepEqual(values, [...values].sort((a, b) => a - b), `partition ${partition} order`);
  }
}

test('kafkajs routes to the leaders of a 3-broker cluster', { timeout: 150000 }, async () => {
  const zookeeper = await new ZooKeeperServer().start();
  const cluster = new Cluster(zookeeper, 3, ['--group_initial_rebalance_delay_ms=100']);
  try {
    await cluster.start();
    const controller = await cluster.waitReady();
    const entry = [1, 2, 3].find(id => id !== controller);
    const reader = [1, 2, 3].find(id => id !== entry);
    const kafka = kafkaOn([cluster.broker(entry).bootstrap]);

    const leaders = await withAdmin(kafka, async admin => {
      assert.equal(await admin.createTopics({
        topics: [{ topic: TOPIC, numPartitions: PARTITIONS, replicationFactor: 1 }],
      }), true);
      const described = await admin.describeCluster();
      assert.equal(described.controller, controller);
      assert.deepEqual(described.brokers.map(b => [b.nodeId, b.port]).sort(),
        [1, 2, 3].map(id => [id, cluster.broker(id).port]));
      return leadersOf(admin, TOPIC);
    });
    const counts = [1, 2, 3].map(id => Object.values(leaders).filter(l => l === id).length);
    assert.deepEqual(counts, [2, 2, 2], JSON.stringify(leaders));

    const producer = kafka.producer();
    await producer.connect();
    const sent = [];
    try {
      for (let start = 0; start < MESSAGES; start += 100) {
        const messages = [];
        for (let i = start; i < start + 100; i++) {
          messages.push({ key: `key-${i % KEYS}`, value: String(i) });
        }
        // One request per leader per call; the partitions' offsets come back.
        const results = await producer.send({ topic: TOPIC, acks: -1, messages });
        for (const r of results) sent.push([r.partition, Number(r.baseOffset)]);
      }
    } finally {
      await producer.disconnect();
    }

    const consumerKafka = kafkaOn([cluster.broker(reader).bootstrap]);
    const consumer = consumerKafka.consumer({ groupId: 'js-cluster-readers', maxWaitTimeInMs: 200 });
    const read = [];
    let timer;
    await consumer.connect();
    try {
      let allRead;
      const done = new Promise(resolve => {
        allRead = resolve;
      });
      const timedOut = new Promise(resolve => {
        timer = setTimeout(resolve, 60000);
      });
      await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ partition, message }) => {
          read.push({ partition, offset: Number(message.offset), key: message.key.toString(),
            value: message.value.toString() });
          if (read.length >= MESSAGES) allRead();
        },
      });
      await Promise.race([done, timedOut]);
      await new Promise(resolve => setTimeout(resolve, 500)); // anything extra shows up
    } finally {
      clearTimeout(timer);
      await consumer.disconnect();
    }
    assertExactlyOnceInOrder(read);
    // The producer's answers named the first offset of each partition's share of a send.
    for (const [partition, baseOffset] of sent) {
      assert.ok(read.some(r => r.partition === partition && r.offset === baseOffset),
        `no record at ${partition}:${baseOffset}`);
    }

    await withAdmin(consumerKafka, async admin => {
      const committed = await admin.fetchOffsets({ groupId: 'js-cluster-readers', topics: [TOPIC] });
      const ends = await admin.fetchTopicOffsets(TOPIC);
      assert.equal(committed[0].partitions.length, PARTITIONS);
      for (const { partition, offset } of committed[0].partitions) {
        const end = ends.find(p => p.partition === partition).high;
        assert.equal(offset, end);
        assert.equal(Number(end), read.filter(r => r.partition === partition).length);
      }
    });
    cluster.checkAlive();
  } finally {
    cluster.close();
    zookeeper.close();
  }
});
