// Consumer groups with kafkajs 2.2.4 (JoinGroup v5 with its MEMBER_ID_REQUIRED round trip,
// SyncGroup v3, OffsetCommit v5, OffsetFetch v4, LeaveGroup v3): two members split a
// topic, a group resumes where it committed, and the admin client lists, describes, reads
// the offsets of and deletes groups. Run with `node test_groups_kafkajs.js`; it exits
// non-zero when a test fails or times out.
'use strict';

const assert = require('node:assert/strict');
const { Kafka, logLevel } = require('kafkajs');

const { brokerTest } = require('./ringlog_fixture');

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

// Nothing may keep the process alive past this, whatever a client leaves open.
setTimeout(() => {
  console.error('test_groups_kafkajs: timed out');
  process.exit(1);
}, 240000).unref();

const BROKER_ARGS = ['--group_initial_rebalance_delay_ms=100'];

function kafkaFor(broker) {
  return new Kafka({
    clientId: 'ringlog-it',
    brokers: [broker.bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { retries: 5, initialRetryTime: 100 },
  });
}

async function createTopic(kafka, topic, numPartitions) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    assert.equal(await admin.createTopics({ topics: [{ topic, numPartitions }] }), true);
  } finally {
    await admin.disconnect();
  }
}

async function produce(kafka, topic, values) {
  const producer = kafka.producer();
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: values.map(value => ({ value })) });
  } finally {
    await producer.disconnect();
  }
}

// A running group member: the values it consumed and the partitions it was last given.
async function startMember(kafka, groupId, topic) {
  const consumer = kafka.consumer({ groupId, sessionTimeout: 6000, heartbeatInterval: 500 });
  const member = { consumer, values: [], partitions: [] };
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    member.partitions = payload.memberAssignment[topic] || [];
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      member.values.push(message.value.toString());
    },
  });
  return member;
}

async function waitFor(predicate, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (predicate()) return;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

const range = (prefix, n) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

brokerTest('two members split a topic, each message read once', { args: BROKER_ARGS },
  async broker => {
    const kafka = kafkaFor(broker);
    await createTopic(kafka, 'js-split', 4);
    const members = [];
    try {
      members.push(await startMember(kafka, 'js-splitters', 'js-split'));
      members.push(await startMember(kafka, 'js-splitters', 'js-split'));
      await waitFor(() => {
        const owned = members.map(m => m.partitions);
        return owned.every(p => p.length > 0) &&
          JSON.stringify(owned.flat().sort()) === JSON.stringify([0, 1, 2, 3]);
      }, 30000, 'both members to own partitions');
      const values = range('s', 200);
      await produce(kafka, 'js-split', values);
      await waitFor(() => members.reduce((n, m) => n + m.values.length, 0) >= 200, 30000,
        'every message');
      await sleep(300);
      const seen = members.flatMap(m => m.values);
      assert.deepEqual(seen.sort(), values.sort());
      assert.ok(members.every(m => m.values.length > 0), 'a member read nothing');
    } finally {
      for (const m of members) await m.consumer.disconnect();
    }
  });

brokerTest('a group resumes where it committed; admin sees and deletes it',
  { args: BROKER_ARGS }, async broker => {
    const kafka = kafkaFor(broker);
    await createTopic(kafka, 'js-resume', 2);
    const first = range('a', 50);
    await produce(kafka, 'js-resume', first);
    const admin = kafka.admin();
    await admin.connect();
    const running = [];
    try {
      const before = await startMember(kafka, 'js-resumers', 'js-resume');
      running.push(before);
      await waitFor(() => before.values.length >= 50, 30000, 'the first messages');
      await before.consumer.disconnect();  // commits what it consumed, then leaves

      const committed = await admin.fetchOffsets({ groupId: 'js-resumers', topics: ['js-resume'] });
      assert.equal(committed[0].partitions.reduce((n, p) => n + Number(p.offset), 0), 50);
      const { groups } = await admin.listGroups();
      assert.deepEqual(groups, [{ groupId: 'js-resumers', protocolType: 'consumer' }]);

      const second = range('b', 20);
      await produce(kafka, 'js-resume', second);
      const after = await startMember(kafka, 'js-resumers', 'js-resume');
      running.push(after);
      await waitFor(() => after.values.length >= 20, 30000, 'the new messages');
      const described = await admin.describeGroups(['js-resumers']);
      assert.equal(described.groups[0].state, 'Stable');
      assert.equal(described.groups[0].members.length, 1);
      await sleep(300);
      assert.deepEqual(after.values.sort(), second.sort(), 'resumed at the committed offsets');
      await assert.rejects(admin.deleteGroups(['js-resumers']),
        err => err.groups?.[0]?.errorCode === 68);  // NON_EMPTY_GROUP
      await after.consumer.disconnect();

      await admin.deleteGroups(['js-resumers']);
      assert.deepEqual((await admin.listGroups()).groups, []);
    } finally {
      for (const m of running) await m.consumer.disconnect();
      await admin.disconnect();
    }
  });
