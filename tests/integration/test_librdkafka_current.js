// A current librdkafka (2.12, through node-rdkafka 3.6.1) against ringlog: it negotiates the
// newest versions it knows (Metadata v12, Produce v10, Fetch v16, ListOffsets v7,
// OffsetCommit v9 and the flexible encodings they bring), so this test checks that those
// versions carry data end to end. librdkafka's protocol debug log says which version each
// request went out at; the test asserts on it, so that a lower range negotiated by mistake
// fails here. Run with `node test_librdkafka_current.js`.
'use strict';

const assert = require('node:assert/strict');
const Kafka = require('node-rdkafka');

const { brokerTest } = require('./ringlog_fixture');

setTimeout(() => {
  console.error('test_librdkafka_current: timed out');
  process.exit(1);
}, 180000).unref();

const BROKER_ARGS = ['--group_initial_rebalance_delay_ms=100'];
const COUNT = 200;

// Collects "Sent <Name>Request (v<N>" from librdkafka's protocol debug lines.
function versionRecorder() {
  const sent = new Map();
  return {
    sent,
    onLog(log) {
      for (const m of log.message.matchAll(/Sent (\w+)Request \(v(\d+)/g)) {
        const [name, version] = [m[1], Number(m[2])];
        sent.set(name, Math.max(sent.get(name) ?? -1, version));
      }
    },
  };
}

function connect(client) {
  return new Promise((resolve, reject) => {
    client.connect({ timeout: 10000 }, err => (err ? reject(err) : resolve()));
  });
}

function disconnect(client) {
  return new Promise(resolve => client.disconnect(() => resolve()));
}

async function produceAll(bootstrap, topic, recorder) {
  const producer = new Kafka.Producer({
    'bootstrap.servers': bootstrap,
    'acks': 'all',
    'linger.ms': 5,
    'dr_cb': true,
    'debug': 'protocol',
  });
  producer.on('event.log', log => recorder.onLog(log));
  const delivered = [];
  producer.on('delivery-report', (err, report) => {
    delivered.push(err ? { err } : { offset: report.offset });
  });
  producer.setPollInterval(10);
  await connect(producer);
  for (let i = 0; i < COUNT; i++) {
    producer.produce(topic, 0, Buffer.from(`value-${i}`), Buffer.from(`key-${i}`), Date.now());
  }
  await new Promise((resolve, reject) =>
    producer.flush(20000, err => (err ? reject(err) : resolve())));
  const deadline = Date.now() + 20000;
  while (delivered.length < COUNT && Date.now() < deadline) {
    await new Promise(resolve => setTimeout(resolve, 20));
  }
  await disconnect(producer);
  return delivered;
}

async function consumeAll(bootstrap, topic, group, recorder) {
  const consumer = new Kafka.KafkaConsumer({
    'bootstrap.servers': bootstrap,
    'group.id': group,
    'enable.auto.commit': false,
    'debug': 'protocol',
  }, { 'auto.offset.reset': 'earliest' });
  consumer.on('event.log', log => recorder.onLog(log));
  await connect(consumer);
  consumer.subscribe([topic]);
  const seen = [];
  const deadline = Date.now() + 30000;
  while (seen.length < COUNT && Date.now() < deadline) {
    const messages = await new Promise((resolve, reject) =>
      consumer.consume(100, (err, batch) => (err ? reject(err) : resolve(batch))));
    for (const m of messages) seen.push({ offset: m.offset, value: m.value.toString() });
  }
  if (seen.length > 0) {
    consumer.commitSync({ topic, partition: 0, offset: seen[seen.length - 1].offset + 1 });
  }
  await disconnect(consumer);
  return seen;
}

brokerTest('librdkafka 2.12 produces and consumes at the newest versions',
  { args: BROKER_ARGS, timeoutMs: 120000 }, async broker => {
    const recorder = versionRecorder();
    const topic = 'current-librdkafka';
    const delivered = await produceAll(broker.bootstrap, topic, recorder);
    assert.equal(delivered.length, COUNT);
    assert.deepEqual(delivered.filter(d => d.err), []);
    assert.deepEqual(delivered.map(d => d.offset), [...Array(COUNT).keys()]);

    const seen = await consumeAll(broker.bootstrap, topic, 'current-group', recorder);
    assert.deepEqual(seen.map(s => s.offset), [...Array(COUNT).keys()]);
    assert.deepEqual(seen.map(s => s.value), [...Array(COUNT).keys()].map(i => `value-${i}`));

    const expected = { Metadata: 12, Produce: 10, Fetch: 16, ListOffsets: 7, OffsetCommit: 9 };
    for (const [api, version] of Object.entries(expected)) {
      assert.equal(recorder.sent.get(api), version, `${api}: ${JSON.stringify([...recorder.sent])}`);
    }
  });
