// Kafka's topic configs as kafkajs 2.2.4's admin sets and reads them (issue 12, item 3):
// createTopics with compression.type and configs ringlog only stores, alterConfigs with
// message.format.version, describeConfigs with each config's source, and INVALID_CONFIG
// for a bad value. Run with `node test_configs_kafkajs.js`.
'use strict';

const assert = require('node:assert/strict');
const { ConfigResourceTypes, ConfigSource, Kafka, logLevel } = require('kafkajs');

const { brokerTest } = require('./ringlog_fixture');

setTimeout(() => {
  console.error('test_configs_kafkajs: timed out');
  process.exit(1);
}, 120000).unref();

async function topicConfigs(admin, topic) {
  const { resources } = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }],
  });
  return Object.fromEntries(resources[0].configEntries.map(e => [e.configName, e]));
}

brokerTest('kafkajs admin sets and reads any Kafka topic config', {}, async broker => {
  const admin = new Kafka({
    clientId: 'ringlog-it',
    brokers: [broker.bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { retries: 2, initialRetryTime: 100 },
  }).admin();
  await admin.connect();
  try {
    assert.equal(await admin.createTopics({
      topics: [{ topic: 'js-tuned', numPartitions: 1, replicationFactor: 1,
        configEntries: [{ name: 'compression.type', value: 'zstd' },
          { name: 'min.insync.replicas', value: '1' },
          { name: 'unclean.leader.election.enable', value: 'false' }] }],
    }), true);
    let configs = await topicConfigs(admin, 'js-tuned');
    assert.equal(configs['compression.type'].configValue, 'zstd');
    assert.equal(configs['compression.type'].configSource, ConfigSource.TOPIC_CONFIG);
    assert.equal(configs['min.insync.replicas'].configSource, ConfigSource.TOPIC_CONFIG);
    assert.equal(configs['segment.jitter.ms'].configValue, '0');
    assert.equal(configs['segment.jitter.ms'].isDefault, true);
    assert.equal(configs['segment.jitter.ms'].configSource, ConfigSource.DEFAULT_CONFIG);

    await admin.alterConfigs({
      resources: [{ type: ConfigResourceTypes.TOPIC, name: 'js-tuned',
        configEntries: [{ name: 'message.format.version', value: '3.0-IV1' },
          { name: 'compression.type', value: 'producer' }] }],
    });
    configs = await topicConfigs(admin, 'js-tuned');
    assert.equal(configs['message.format.version'].configValue, '3.0-IV1');
    assert.equal(configs['message.format.version'].isDefault, false);
    assert.equal(configs['compression.type'].configValue, 'producer');
    assert.equal(configs['min.insync.replicas'].isDefault, true);

    await assert.rejects(admin.alterConfigs({
      resources: [{ type: ConfigResourceTypes.TOPIC, name: 'js-tuned',
        configEntries: [{ name: 'min.insync.replicas', value: '0' }] }],
    }), e => (e.cause || e).type === 'INVALID_CONFIG');
  } finally {
    await admin.disconnect();
  }
});
