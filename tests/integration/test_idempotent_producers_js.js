// Idempotent producers of kafkajs 2.2.4 (`idempotent: true`) and node-rdkafka 3.6.1
// (librdkafka 2.12, `enable.idempotence`) deliver thousands of keyed messages over four
// partitions (issue 13); before the broker served InitProducerId, kafkajs failed at
// InitProducerId and librdkafka failed every delivery ("required feature not supported by
// broker"). Read back with librdkafka from every partition: each message exactly once, in
// per-key order, at contiguous offsets, at the offsets the client was told. Run with
// `node test_idempotent_producers_js.js`.
'use strict';

const assert = require('node:assert/strict');
const { Kafka: KafkaJs, Partitioners, logLevel } = require('kafkajs');
const Kafka = require('node-rdkafka');

const { brokerTest } = require('./ringlog_fixture');

setTimeout(() => {
  console.error('test_idempotent_producers_js: timed out');
  process.exit(1);
}, 180000).unref();

const COUNT = 3000;
const KEYS = 16;
const PARTITIONS = 4;
const BROKER_ARGS = [`--num_partitions=${PARTITIONS}`];

// The i-th message: its value names its key and its place in that key's sequence.
function message(i) {
  const key = `key-${String(i % KEYS).padStart(2, '0')}`;
  return { key, value: `${key}:${String(Math.floor(i / KEYS)).padStart(6, '0')}` };
}
const expected = Array.from({ length: COUNT }, (_, i) => message(i));

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

// Every record of `topic`, read with librdkafka from offset 0 of each partition (assigned
// by hand, no group), as {partition, offset, key, value} in (partition, offset) order.
async function readAll(bootstrap, topic) {
  const consumer = new Kafka.KafkaConsumer({
    'bootstrap.servers': bootstrap, 'group.id': 'idem-reader', 'enable.auto.commit': false,
  }, {});
  await new Promise((resolve, reject) =>
    consumer.connect({ timeout: 10000 }, err => (err ? reject(err) : resolve())));
  const records = [];
  try {
    const marks = [];
    for (let p = 0; p < PARTITIONS; p++) {
      marks.push(await new Promise((resolve, reject) => consumer.queryWatermarkOffsets(
        topic, p, 10000, (err, w) => (err ? reject(err) : resolve(w.highOffset)))));
    }
    const total = marks.reduce((a, b) => a + b, 0);
    consumer.assign([...Array(PARTITIONS).keys()].map(partition => ({ topic, partition, offset: 0 })));
    const deadline = Date.now() + 30000;
    while (records.length < total && Date.now() < deadline) {
      const batch = await new Promise((resolve, reject) =>
        consumer.consume(1000, (err, messages) => (err ? reject(err) : resolve(messages))));
      for (const m of batch) {
        records.push({ partition: m.partition, offset: m.offset, key: m.key.toString(),
          value: m.value.toString() });
      }
    }
  } finally {
    await new Promise(resolve => consumer.disconnect(() => resolve()));
  }
  return records.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
}

// delivered: Map value -> [partition, offset] from the producer's acknowledgements.
function checkExactlyOnce(records, delivered) {
  assert.equal(records.length, COUNT, 'records stored');
  assert.deepEqual(records.map(r => r.value).sort(), expected.map(m => m.value).sort());
  const offsets = new Map();
  const keyPartition = new Map();
  const keySequence = new Map();
  for (const r of records) {
    if (!offsets.has(r.partition)) offsets.set(r.partition, []);
    offsets.get(r.partition).push(r.offset);
    if (!keyPartition.has(r.key)) keyPartition.set(r.key, r.partition);
    assert.equal(keyPartition.get(r.key), r.partition, `${r.key} spans partitions`);
    assert.ok(r.value.startsWith(`${r.key}:`), `${r.key} holds ${r.value}`);
    if (!keySequence.has(r.key)) keySequence.set(r.key, []);
    keySequence.get(r.key).push(Number(r.value.split(':')[1]));
  }
  assert.equal(offsets.size, PARTITIONS, 'the keys spread over every partition');
  for (const [partition, list] of offsets) {
    assert.deepEqual(list, [...list.keys()], `offsets of partition ${partition}`);
  }
  for (const [key, sequence] of keySequence) {
    assert.deepEqual(sequence, [...sequence.keys()], `order of ${key}`);
  }
  assert.equal(delivered.size, COUNT, 'acknowledged messages');
  for (const r of records) {
    assert.deepEqual(delivered.get(r.value), [r.partition, r.offset], `offset of ${r.value}`);
  }
}

brokerTest('kafkajs idempotent producer: exactly once at the acknowledged offsets',
  { args: BROKER_ARGS, timeoutMs: 90000 }, async broker => {
    const kafka = new KafkaJs({ clientId: 'idem-it', brokers: [broker.bootstrap],
      logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 5,
      createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    // The producer's own key hash, to learn which partition each message went to.
    const partitionOf = Partitioners.DefaultPartitioner();
    const partitionMetadata = [...Array(PARTITIONS).keys()].map(partitionId =>
      ({ partitionId, leader: 0 }));
    const delivered = new Map();
    try {
      // 100 messages a request, one request after the other: concurrent sends of kafkajs
      // may reach the broker in any order, and per-key order is checked.
      for (let start = 0; start < COUNT; start += 100) {
        const messages = expected.slice(start, start + 100);
        const metadata = await producer.send({ topic: 'idem-kafkajs', acks: -1, messages });
        // A request holds one batch per partition, its messages in send order.
        const next = new Map(metadata.map(m => [m.partition, Number(m.baseOffset)]));
        for (const m of messages) {
          const partition = partitionOf({ topic: 'idem-kafkajs', partitionMetadata, message: m });
          delivered.set(m.value, [partition, next.get(partition)]);
          next.set(partition, next.get(partition) + 1);
        }
      }
    } finally {
      await producer.disconnect();
    }
    checkExactlyOnce(await readAll(broker.bootstrap, 'idem-kafkajs'), delivered);
  });

brokerTest('node-rdkafka (librdkafka 2.12) idempotent producer: exactly once at the reported offsets',
  { args: BROKER_ARGS, timeoutMs: 90000 }, async broker => {
    const producer = new Kafka.Producer({
      'bootstrap.servers': broker.bootstrap,
      'enable.idempotence': true,
      'linger.ms': 2,
      'batch.num.messages': 100,
      'dr_msg_cb': true,
    });
    const delivered = new Map();
    const failures = [];
    producer.on('delivery-report', (err, report) => {
      if (err) failures.push(err);
      else delivered.set(report.value.toString(), [report.partition, report.offset]);
    });
    producer.setPollInterval(10);
    await new Promise((resolve, reject) =>
      producer.connect({ timeout: 10000 }, err => (err ? reject(err) : resolve())));
    try {
      for (const m of expected) {
        producer.produce('idem-rdkafka', null, Buffer.from(m.value), Buffer.from(m.key));
      }
      await new Promise((resolve, reject) =>
        producer.flush(30000, err => (err ? reject(err) : resolve())));
      const deadline = Date.now() + 10000;
      while (delivered.size + failures.length < COUNT && Date.now() < deadline) await sleep(20);
    } finally {
      await new Promise(resolve => producer.disconnect(() => resolve()));
    }
    assert.deepEqual(failures.slice(0, 3), [], 'delivery failures');
    checkExactlyOnce(await readAll(broker.bootstrap, 'idem-rdkafka'), delivered);
  });
