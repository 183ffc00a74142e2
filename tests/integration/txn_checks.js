// What the transaction tests share (test_transactions_js.js on one broker,
// test_cluster_transactions_js.js on a cluster): transactional producers of kafkajs 2.2.4
// and of librdkafka 2.12 (node-rdkafka), and readers that see a topic with
// read_committed or read_uncommitted through kafkajs and librdkafka.
'use strict';

const Kafka = require('node-rdkafka');

const { sleep } = require('./ringlog_fixture');

function transactionalProducer(kafka, transactionalId) {
  return kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1 });
}

// The `count` messages `prefix`-0 ... with keys spreading them over the partitions.
function values(prefix, count) {
  return Array.from({ length: count }, (_, i) => ({ key: `k${i % 7}`, value: `${prefix}-${i}` }));
}

// One kafkajs transaction sending `messages` to `topic`, then committed or aborted.
async function transaction(producer, topic, messages, commit) {
  const txn = await producer.transaction();
  try {
    await txn.send({ topic, messages });
  } catch (err) {
    await txn.abort();
    throw err;
  }
  if (commit) await txn.commit();
  else await txn.abort();
}

// Waits until count() reaches `expected` and then stays put for 1.5 s (so that extra
// records would show), or 20 s pass.
async function settle(count, expected) {
  const deadline = Date.now() + 20000;
  let last = -1;
  let stableSince = Date.now();
  while (Date.now() < deadline) {
    const now = count();
    if (now !== last) {
      last = now;
      stableSince = Date.now();
    }
    if (now >= expected && Date.now() - stableSince > 1500) return;
    await sleep(50);
  }
}

// The sorted values a kafkajs group consumer reads from `topic` from the beginning.
async function readWithKafkaJs(kafka, topic, readUncommitted, expected) {
  const consumer = kafka.consumer({ groupId: `reader-${topic}-${readUncommitted}`,
    readUncommitted, maxWaitTimeInMs: 100 });
  const seen = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => { seen.push(message.value.toString()); } });
    await settle(() => seen.length, expected);
  } finally {
    await consumer.disconnect();
  }
  return seen.sort();
}

// The sorted values librdkafka reads with isolation.level read_committed from offset 0 of
// each of `partitions` partitions of `topic` (assigned by hand, no group).
async function readCommittedWithLibrdkafka(bootstrap, topic, partitions, expected) {
  const consumer = new Kafka.KafkaConsumer({
    'bootstrap.servers': bootstrap, 'group.id': `rd-${topic}`, 'enable.auto.commit': false,
    'isolation.level': 'read_committed',
  }, {});
  await new Promise((resolve, reject) =>
    consumer.connect({ timeout: 10000 }, err => (err ? reject(err) : resolve())));
  const seen = [];
  try {
    consumer.assign([...Array(partitions).keys()].map(partition => ({ topic, partition, offset: 0 })));
    const deadline = Date.now() + 20000;
    let quietSince = Date.now();
    while (Date.now() < deadline) {
      const batch = await new Promise((resolve, reject) =>
        consumer.consume(100, (err, messages) => (err ? reject(err) : resolve(messages))));
      for (const m of batch) seen.push(m.value.toString());
      if (batch.length > 0) quietSince = Date.now();
      if (seen.length >= expected && Date.now() - quietSince > 1500) break;
    }
  } finally {
    await new Promise(resolve => consumer.disconnect(() => resolve()));
  }
  return seen.sort();
}

// A connected librdkafka transactional producer with its transactions initialised.
async function librdkafkaTransactionalProducer(bootstrap, transactionalId) {
  const producer = new Kafka.Producer({
    'bootstrap.servers': bootstrap, 'transactional.id': transactionalId, 'linger.ms': 5,
  });
  await new Promise((resolve, reject) =>
    producer.connect({ timeout: 10000 }, err => (err ? reject(err) : resolve())));
  await new Promise((resolve, reject) =>
    producer.initTransactions(20000, err => (err ? reject(err) : resolve())));
  return producer;
}

// One librdkafka transaction producing `messages` to `topic`, then committed or aborted.
// The messages are flushed first, so that an aborted transaction's records are written too
// (an abort purges what is still queued).
async function librdkafkaTransaction(producer, topic, messages, commit) {
  await new Promise((resolve, reject) =>
    producer.beginTransaction(err => (err ? reject(err) : resolve())));
  for (const m of messages) producer.produce(topic, null, Buffer.from(m.value), m.key);
  await new Promise((resolve, reject) =>
    producer.flush(20000, err => (err ? reject(err) : resolve())));
  await new Promise((resolve, reject) => {
    const done = err => (err ? reject(err) : resolve());
    if (commit) producer.commitTransaction(20000, done);
    else producer.abortTransaction(20000, done);
  });
}

module.exports = {
  librdkafkaTransaction, librdkafkaTransactionalProducer, readCommittedWithLibrdkafka,
  readWithKafkaJs, transaction, transactionalProducer, values,
};
