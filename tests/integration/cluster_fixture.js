// A private ZooKeeper and a cluster of real `ringlog serve` brokers on it, for the
// JavaScript cluster tests, as cluster_fixture.py does for the Python ones: ZooKeeper
// standalone on a free loopback port (tickTime 500 ms, so sessions may be short), each
// cluster on its own chroot, each broker (ids 1..n) on a free port with a fresh data dir.
'use strict';

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { Kafka, logLevel } = require('kafkajs');

const { Broker, freePort, sleep } = require('./ringlog_fixture');

const ZOOKEEPER_CLASSPATH = '/etc/zookeeper/conf:/usr/share/java/zookeeper.jar';
const SESSION_TIMEOUT_MS = 2000;

// The answer to one of ZooKeeper's four-letter commands ('' when none).
function fourLetter(port, word) {
  return new Promise(resolve => {
    let data = '';
    const socket = net.connect({ host: '127.0.0.1', port }, () => socket.end(word));
    socket.setTimeout(1000, () => socket.destroy());
    socket.on('data', chunk => {
      data += chunk;
    });
    socket.on('close', () => resolve(data));
    socket.on('error', () => resolve(''));
  });
}

class ZooKeeperServer {
  constructor() {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringlog-zk-js-'));
    this.proc = null;
    this.exitCode = null;
  }

  get connect() {
    return `127.0.0.1:${this.port}`;
  }

  async start(timeoutMs = 30000) {
    this.port = await freePort();
    const config = path.join(this.dir, 'zoo.cfg');
    fs.writeFileSync(config, [
      'tickTime=500', `dataDir=${this.dir}`, `clientPort=${this.port}`,
      'clientPortAddress=127.0.0.1', 'minSessionTimeout=1000', 'maxSessionTimeout=60000',
      'admin.enableServer=false', '4lw.commands.whitelist=ruok,srvr', '',
    ].join('\n'));
    this.logPath = path.join(this.dir, 'zookeeper.log');
    const log = fs.openSync(this.logPath, 'a');
    // No fsync: the data is thrown away with the test.
    this.proc = spawn('java', ['-Xmx128m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1',
      '-Dzookeeper.forceSync=no',
      '-cp', ZOOKEEPER_CLASSPATH, `-Dzookeeper.log.dir=${this.dir}`,
      'org.apache.zookeeper.server.quorum.QuorumPeerMain', config],
    { stdio: ['ignore', log, log] });
    fs.closeSync(log);
    this.proc.once('exit', code => {
      this.exitCode = code;
    });
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.exitCode !== null) throw new Error(`zookeeper exited with ${this.exitCode}`);
      if (await fourLetter(this.port, 'ruok') === 'imok' &&
          (await fourLetter(this.port, 'srvr')).includes('Mode: standalone')) {
        return this;
      }
      await sleep(100);
    }
    throw new Error(`zookeeper did not answer ruok within ${timeoutMs} ms`);
  }

  close() {
    if (this.proc !== null && this.exitCode === null) this.proc.kill('SIGKILL');
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

// A kafkajs client that knows only `brokers` (host:port strings).
function kafkaOn(brokers) {
  return new Kafka({
    clientId: 'ringlog-it-cluster',
    brokers,
    logLevel: logLevel.NOTHING,
    retry: { retries: 5, initialRetryTime: 100 },
  });
}

// `size` brokers (ids 1..size) on a fresh chroot of `zookeeper`.
class Cluster {
  constructor(zookeeper, size = 3, extraArgs = []) {
    this.chroot = `/t${Math.random().toString(16).slice(2, 14)}`;
    this.connect = zookeeper.connect + this.chroot;
    this.brokers = new Map();
    for (let id = 1; id <= size; id++) {
      this.brokers.set(id, new Broker([`--broker_id=${id}`, `--zookeeper_connect=${this.connect}`,
        `--zookeeper_session_timeout_ms=${SESSION_TIMEOUT_MS}`, ...extraArgs]));
    }
  }

  broker(id) {
    return this.brokers.get(id);
  }

  async start(timeoutMs = 60000) {
    await Promise.all([...this.brokers.values()].map(b => b.start(timeoutMs)));
    await this.waitReady(timeoutMs);
    return this;
  }

  // Until every broker's metadata lists every broker and the same controller, one of them;
  // that controller's id.
  async waitReady(timeoutMs = 30000) {
    const ids = [...this.brokers.keys()].sort();
    const deadline = Date.now() + timeoutMs;
    let last;
    while (Date.now() < deadline) {
      try {
        const views = [];
        for (const broker of this.brokers.values()) {
          const admin = kafkaOn([broker.bootstrap]).admin();
          await admin.connect();
          try {
            views.push(await admin.describeCluster());
          } finally {
            await admin.disconnect();
          }
        }
        last = views;
        const controller = views[0].controller;
        if (ids.includes(controller) && views.every(v => v.controller === controller &&
            JSON.stringify(v.brokers.map(b => b.nodeId).sort()) === JSON.stringify(ids))) {
          return controller;
        }
      } catch (e) {
        last = e;
      }
      await sleep(100);
    }
    throw new Error(`cluster not ready within ${timeoutMs} ms: ${JSON.stringify(last)}\n${this.logTails()}`);
  }

  logTails(lines = 25) {
    return [...this.brokers].map(([id, b]) =>
      `--- broker ${id} ---\n${b.output().split('\n').slice(-lines).join('\n')}`).join('\n');
  }

  // Every broker must still run.
  checkAlive() {
    for (const [id, broker] of this.brokers) {
      if (!broker.alive()) throw new Error(`broker ${id} died with ${broker.exitCode}:\n${broker.output().slice(-4000)}`);
    }
  }

  close() {
    for (const broker of this.brokers.values()) broker.close();
  }
}

module.exports = { Cluster, ZooKeeperServer, kafkaOn };
