// Transactions with real clients (issue 17): a kafkajs 2.2.4 transactional producer
// commits, aborts and commits again; read_committed consumers (kafkajs, and librdkafka 2.12
// through node-rdkafka) see exactly the committed records, read_uncommitted ones see them
// all. The same with a librdkafka transactional producer. Two producers with one
// transactional id: the older one is fenced and its open transaction aborted. Offsets sent
// in a transaction (AddOffsetsToTxn, TxnOffsetCommit) become the group's on commit and
// vanish on abort. Before the broker served transactions, kafkajs failed at once ("The
// Kafka server does not support the requested API version"). Run with
// `node test_transactions_js.js`.
'use strict';

const assert = require('node:assert/strict');
const { Kafka: KafkaJs, logLevel } = require('kafkajs');

const { brokerTest, sleep } = require('./ringlog_fixture');
const {
  librdkafkaTransaction, librdkafkaTransactionalProducer, readCommittedWithLibrdkafka,
  readWithKafkaJs, transaction, transactionalProducer, values,
} = require('./txn_checks');

setTimeout(() => {
  console.error('test_transactions_js: timed out');
  process.exit(1);
}, 280000).unref();

const PARTITIONS = 2;
const PER_TXN = 20;
const BROKER_ARGS = [`--num_partitions=${PARTITIONS}`, '--group_initial_rebalance_delay_ms=0',
  '--transaction_state_log_num_partitions=5'];

function client(broker, clientId) {
  return new KafkaJs({ clientId, brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
}

// Reads `topic` with both clients and both isolation levels; `committed` and `everything`
// are the values sent in committed transactions and in all of them.
async function checkVisibility(kafka, bootstrap, topic, committed, everything) {
  committed = committed.map(m => m.value).sort();
  everything = everything.map(m => m.value).sort();
  assert.deepEqual(await readWithKafkaJs(kafka, topic, false, committed.length), committed,
    'kafkajs read_committed');
  assert.deepEqual(await readWithKafkaJs(kafka, topic, true, everything.length), everything,
    'kafkajs read_uncommitted');
  assert.deepEqual(await readCommittedWithLibrdkafka(bootstrap, topic, PARTITIONS,
    committed.length), committed, 'librdkafka read_committed');
}

brokerTest('kafkajs commit, abort, commit: read_committed sees the committed, read_uncommitted all',
  { args: BROKER_ARGS, timeoutMs: 90000 }, async broker => {
    const kafka = client(broker, 'txn-it');
    const topic = 'txn-kafkajs';
    const producer = transactionalProducer(kafka, 'txn-kafkajs-producer');
    await producer.connect();
    const [first, aborted, third] = ['commit1', 'abort2', 'commit3'].map(p => values(p, PER_TXN));
    try {
      await transaction(producer, topic, first, true);
      await transaction(producer, topic, aborted, false);
      await transaction(producer, topic, third, true);
    } finally {
      await producer.disconnect();
    }
    await checkVisibility(kafka, broker.bootstrap, topic, [...first, ...third],
      [...first, ...aborted, ...third]);
  });

brokerTest('librdkafka commit, abort, commit: read_committed sees the committed, read_uncommitted all',
  { args: BROKER_ARGS, timeoutMs: 90000 }, async broker => {
    const kafka = client(broker, 'txn-it-rd');
    const topic = 'txn-librdkafka';
    const producer = await librdkafkaTransactionalProducer(broker.bootstrap, 'txn-rd-producer');
    const [first, aborted, third] = ['commit1', 'abort2', 'commit3'].map(p => values(p, PER_TXN));
    try {
      await librdkafkaTransaction(producer, topic, first, true);
      await librdkafkaTransaction(producer, topic, aborted, false);
      await librdkafkaTransaction(producer, topic, third, true);
    } finally {
      await new Promise(resolve => producer.disconnect(() => resolve()));
    }
    await checkVisibility(kafka, broker.bootstrap, topic, [...first, ...third],
      [...first, ...aborted, ...third]);
  });

brokerTest('two producers with one transactional id: the older is fenced, its transaction aborted',
  { args: BROKER_ARGS, timeoutMs: 90000 }, async broker => {
    const kafka = client(broker, 'txn-zombie');
    const topic = 'txn-zombie';
    const zombie = transactionalProducer(kafka, 'shared-id');
    await zombie.connect();
    const open = await zombie.transaction();
    const early = values('zombie', 5);
    await open.send({ topic, messages: early });
    // The new incarnation's InitProducerId aborts the open transaction and bumps the epoch.
    const fresh = transactionalProducer(kafka, 'shared-id');
    await fresh.connect();
    const committed = values('fresh', 5);
    try {
      await transaction(fresh, topic, committed, true);
      await assert.rejects(async () => {
        await open.send({ topic, messages: values('zombie-late', 5) });
        await open.commit();
      }, 'the fenced producer cannot finish its transaction');
    } finally {
      await fresh.disconnect();
      await zombie.disconnect().catch(() => {});
    }
    await checkVisibility(kafka, broker.bootstrap, topic, committed, [...early, ...committed]);
  });

brokerTest('offsets sent in a transaction count on commit and vanish on abort',
  { args: BROKER_ARGS, timeoutMs: 90000 }, async broker => {
    const kafka = client(broker, 'txn-offsets');
    const admin = kafka.admin();
    await admin.connect();
    const groupId = 'eos-group';
    const input = 'txn-input';
    const committedOffset = async () => {
      const [topic] = await admin.fetchOffsets({ groupId, topics: [input] });
      return topic.partitions.find(p => p.partition === 0).offset;
    };
    const waitForOffset = async wanted => {
      const deadline = Date.now() + 10000;
      while (Date.now() < deadline && (await committedOffset()) !== wanted) await sleep(50);
      return committedOffset();
    };
    const producer = transactionalProducer(kafka, 'txn-offsets-producer');
    await producer.connect();
    try {
      await admin.createTopics({ topics: [{ topic: input, numPartitions: PARTITIONS }] });
      const commit = await producer.transaction();
      await commit.send({ topic: 'txn-output', messages: values('out', 3) });
      await commit.sendOffsets({ consumerGroupId: groupId,
        topics: [{ topic: input, partitions: [{ partition: 0, offset: '5' }] }] });
      await commit.commit();
      assert.equal(await waitForOffset('5'), '5', 'the committed transaction\'s offset');

      const abort = await producer.transaction();
      await abort.send({ topic: 'txn-output', messages: values('out-aborted', 3) });
      await abort.sendOffsets({ consumerGroupId: groupId,
        topics: [{ topic: input, partitions: [{ partition: 0, offset: '9' }] }] });
      await abort.abort();
      await sleep(500);
      assert.equal(await committedOffset(), '5', 'the aborted transaction\'s offset vanished');
    } finally {
      await producer.disconnect();
      await admin.disconnect();
    }
  });
