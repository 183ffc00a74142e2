// The admin APIs as kafkajs 2.2.4 uses them (createTopics, fetchTopicMetadata,
// describeConfigs, alterConfigs, createPartitions, deleteTopicRecords, deleteTopics), and
// a few thousand messages from a kafkajs producer read back by a kafkajs consumer group
// and by kcat. Run with `node test_admin_kafkajs.js`; it exits non-zero when a test fails
// or times out.
'use strict';

const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const { ConfigResourceTypes, ConfigSource, Kafka, logLevel } = require('kafkajs');

const { brokerTest } = require('./ringlog_fixture');

// Nothing may keep the process alive past this, whatever a client leaves open.
setTimeout(() => {
  console.error('test_admin_kafkajs: timed out');
  process.exit(1);
}, 240000).unref();

function kafkaFor(broker) {
  return new Kafka({
    clientId: 'ringlog-it',
    brokers: [broker.bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { retries: 2, initialRetryTime: 100 },
  });
}

async function withAdmin(broker, body) {
  const admin = kafkaFor(broker).admin();
  await admin.connect();
  try {
    return await body(admin);
  } finally {
    await admin.disconnect();
  }
}

// The broker's error codes behind a kafkajs failure, as type names ('NONE': no failure).
// kafkajs wraps per-topic errors in an aggregate, per-partition ones in a
// DeleteTopicRecordsError, and either may sit in the `cause` of a non-retriable error.
async function errorType(promise) {
  try {
    await promise;
  } catch (e) {
    const error = e.cause || e;
    if (error.errors) return error.errors.map(inner => inner.type).join(',');
    if (error.partitions) return error.partitions.map(p => p.error.type).join(',');
    return error.type;
  }
  return 'NONE';
}

async function topicConfigs(admin, topic, configNames = []) {
  const { resources } = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames }],
  });
  assert.equal(resources.length, 1);
  return Object.fromEntries(resources[0].configEntries.map(e => [e.configName, e]));
}

async function partitionCount(admin, topic) {
  const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
  return topics[0].partitions.length;
}

brokerTest('admin creates, describes, alters, grows and deletes topics', {}, async broker => {
  await withAdmin(broker, async admin => {
    assert.equal(await admin.createTopics({
      topics: [{ topic: 'js-orders', numPartitions: 3, replicationFactor: 1,
        configEntries: [{ name: 'retention.ms', value: '3600000' }] }],
    }), true);
    assert.equal(await admin.createTopics({ topics: [{ topic: 'js-orders' }] }), false);
    assert.equal(await errorType(admin.createTopics({
      topics: [{ topic: 'js-bad', configEntries: [{ name: 'segment.bytes', value: 'big' }] }],
    })), 'INVALID_CONFIG');
    assert.equal(await errorType(admin.createTopics({
      topics: [{ topic: 'js-copies', numPartitions: 1, replicationFactor: 3 }],
    })), 'INVALID_REPLICATION_FACTOR');
    assert.equal(await admin.createTopics({
      validateOnly: true, waitForLeaders: false, topics: [{ topic: 'js-dry-run' }],
    }), true);
    assert.deepEqual(await admin.listTopics(), ['js-orders']);

    const { topics } = await admin.fetchTopicMetadata({ topics: ['js-orders'] });
    assert.deepEqual(topics[0].partitions.map(p => [p.partitionId, p.leader, p.replicas, p.isr])
      .sort(), [[0, 0, [0], [0]], [1, 0, [0], [0]], [2, 0, [0], [0]]]);

    let configs = await topicConfigs(admin, 'js-orders');
    assert.equal(configs['retention.ms'].configValue, '3600000');
    assert.equal(configs['retention.ms'].configSource, ConfigSource.TOPIC_CONFIG);
    assert.equal(configs['segment.bytes'].configValue, '1073741824');
    assert.equal(configs['segment.bytes'].isDefault, true);
    assert.deepEqual(Object.keys(await topicConfigs(admin, 'js-orders', ['segment.ms'])),
      ['segment.ms']);
    assert.equal(await errorType(topicConfigs(admin, 'js-missing')), 'UNKNOWN_TOPIC_OR_PARTITION');

    const { resources } = await admin.describeConfigs({
      includeSynonyms: true,
      resources: [{ type: ConfigResourceTypes.BROKER, name: '0' }],
    });
    const brokerConfigs = Object.fromEntries(
      resources[0].configEntries.map(e => [e.configName, e]));
    assert.equal(brokerConfigs['log.retention.ms'].configValue, '604800000');
    assert.equal(brokerConfigs['log.retention.ms'].readOnly, true);

    // AlterConfigs replaces the overrides: retention.ms goes back to the default.
    await admin.alterConfigs({
      resources: [{ type: ConfigResourceTypes.TOPIC, name: 'js-orders',
        configEntries: [{ name: 'segment.ms', value: '60000' }] }],
    });
    configs = await topicConfigs(admin, 'js-orders');
    assert.equal(configs['segment.ms'].configValue, '60000');
    assert.equal(configs['retention.ms'].configValue, '604800000');
    assert.equal(configs['retention.ms'].isDefault, true);
    assert.equal(await errorType(admin.alterConfigs({
      resources: [{ type: ConfigResourceTypes.TOPIC, name: 'js-orders',
        configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }],
    })), 'INVALID_CONFIG');
    await admin.alterConfigs({
      validateOnly: true,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: 'js-orders',
        configEntries: [{ name: 'segment.ms', value: '1' }] }],
    });
    assert.equal((await topicConfigs(admin, 'js-orders'))['segment.ms'].configValue, '60000');

    await admin.createPartitions({ topicPartitions: [{ topic: 'js-orders', count: 5 }] });
    assert.equal(await partitionCount(admin, 'js-orders'), 5);
    assert.equal(await errorType(admin.createPartitions({
      topicPartitions: [{ topic: 'js-orders', count: 4 }],
    })), 'INVALID_PARTITIONS');
    await admin.createPartitions({
      validateOnly: true, topicPartitions: [{ topic: 'js-orders', count: 9 }],
    });
    assert.equal(await partitionCount(admin, 'js-orders'), 5);

    await admin.deleteTopics({ topics: ['js-orders'] });
    assert.deepEqual(await admin.listTopics(), []);
  });
});

const TOTAL = 3000;

// Sends TOTAL messages, keyed k0..k15 with values v0..v2999, in batches of 500, acks=all.
async function produceAll(kafka, topic) {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    for (let first = 0; first < TOTAL; first += 500) {
      const messages = [];
      for (let i = first; i < first + 500; ++i) messages.push({ key: `k${i % 16}`, value: `v${i}` });
      await producer.send({ topic, acks: -1, messages });
    }
  } finally {
    await producer.disconnect();
  }
}

// Every message sent arrived once; a key stayed in one partition, in send order.
function assertAllInOrder(read) {
  assert.equal(read.length, TOTAL);
  assert.equal(new Set(read.map(([, , , value]) => value)).size, TOTAL);
  const lastByKey = new Map();
  for (const [partition, , key, value] of read) {
    const n = Number(value.slice(1));
    const seen = lastByKey.get(key);
    if (seen) {
      assert.equal(partition, seen.partition, key);
      assert.ok(n > seen.n, `${key}: ${value} after v${seen.n}`);
    }
    lastByKey.set(key, { partition, n });
  }
}

// Every message of one partition as kcat (librdkafka) reads it: [partition, offset, key,
// value].
function kcatRead(broker, topic, partition) {
  const out = execFileSync('kcat', ['-C', '-b', broker.bootstrap, '-t', topic,
    '-p', String(partition), '-o', 'beginning', '-e', '-q', '-f', '%p %o %k %s\\n'],
  { timeout: 30000 }).toString();
  return out.split('\n').filter(line => line).map(line => {
    const [p, o, k, v] = line.split(' ');
    return [Number(p), Number(o), k, v];
  });
}

brokerTest('a kafkajs producer writes; kcat reads; deleteTopicRecords trims', {}, async broker => {
  const kafka = kafkaFor(broker);
  await withAdmin(broker, async admin => {
    await admin.createTopics({ topics: [{ topic: 'js-stream', numPartitions: 2 }] });
    await produceAll(kafka, 'js-stream');

    const offsets = await admin.fetchTopicOffsets('js-stream');
    assert.equal(offsets.reduce((sum, p) => sum + Number(p.high), 0), TOTAL);
    const read = [...kcatRead(broker, 'js-stream', 0), ...kcatRead(broker, 'js-stream', 1)];
    assertAllInOrder(read);
    for (const [partition, offset] of read) {
      assert.ok(offset < Number(offsets.find(p => p.partition === partition).high));
    }

    await admin.deleteTopicRecords({
      topic: 'js-stream', partitions: [{ partition: 0, offset: '100' }, { partition: 1, offset: '-1' }],
    });
    const trimmed = await admin.fetchTopicOffsets('js-stream');
    const byPartition = Object.fromEntries(trimmed.map(p => [p.partition, p]));
    assert.equal(byPartition[0].low, '100');
    assert.equal(byPartition[1].low, byPartition[1].high);
    assert.equal(kcatRead(broker, 'js-stream', 0)[0][1], 100);
    assert.equal(await errorType(admin.deleteTopicRecords({
      topic: 'js-stream', partitions: [{ partition: 0, offset: String(TOTAL + 1) }],
    })), 'OFFSET_OUT_OF_RANGE');
  });
});

brokerTest('a kafkajs consumer group reads back what a kafkajs producer wrote', {}, async broker => {
  const kafka = kafkaFor(broker);
  await withAdmin(broker, admin =>
    admin.createTopics({ topics: [{ topic: 'js-round-trip', numPartitions: 2 }] }));
  await produceAll(kafka, 'js-round-trip');

  const consumer = kafka.consumer({ groupId: 'js-readers', maxWaitTimeInMs: 200 });
  const read = [];
  let timer;
  await consumer.connect();
  try {
    let allRead;
    const done = new Promise(resolve => {
      allRead = resolve;
    });
    const timedOut = new Promise(resolve => {
      timer = setTimeout(resolve, 30000);
    });
    await consumer.subscribe({ topic: 'js-round-trip', fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        read.push([partition, Number(message.offset), message.key.toString(),
          message.value.toString()]);
        if (read.length >= TOTAL) allRead();
      },
    });
    await Promise.race([done, timedOut]);
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
  }
  assertAllInOrder(read);
  // The group committed where it stopped: the end of every partition.
  await withAdmin(broker, async admin => {
    const committed = await admin.fetchOffsets({ groupId: 'js-readers', topics: ['js-round-trip'] });
    const ends = await admin.fetchTopicOffsets('js-round-trip');
    assert.equal(committed[0].partitions.length, 2);
    for (const { partition, offset } of committed[0].partitions) {
      assert.equal(offset, ends.find(p => p.partition === partition).high);
    }
  });
});
