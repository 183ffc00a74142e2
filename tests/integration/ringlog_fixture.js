// Starts the real `ringlog serve` binary for the JavaScript integration tests, as
// ringlog_fixture.py does for the Python ones: every test gets its own broker on a free
// loopback port with a fresh data directory. The binary and backend come from the
// environment that ctest sets:
//   RINGLOG_BINARY   path to build/ringlog
//   RINGLOG_BACKEND  uring | rocksdb
'use strict';

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { test } = require('node:test');

const BINARY = process.env.RINGLOG_BINARY || path.join(__dirname, '../../build/ringlog');
const BACKEND = process.env.RINGLOG_BACKEND || 'uring';

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port) {
  return new Promise(resolve => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

// One ringlog process; close() kills it and removes its data.
class Broker {
  constructor(extraArgs = []) {
    this.extraArgs = extraArgs;
    this.dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringlog-it-js-'));
    this.logPath = `${this.dataDir}.log`;
    this.proc = null;
    this.exitCode = null;
  }

  get bootstrap() {
    return `127.0.0.1:${this.port}`;
  }

  async start(timeoutMs = 20000) {
    this.port = await freePort();
    const log = fs.openSync(this.logPath, 'a');
    const args = ['serve', `--listen=127.0.0.1:${this.port}`, '--advertised_host=127.0.0.1',
      `--data_dir=${this.dataDir}`, `--backend=${BACKEND}`, ...this.extraArgs];
    this.proc = spawn(BINARY, args, { stdio: ['ignore', log, log] });
    fs.closeSync(log);
    this.proc.once('exit', code => {
      this.exitCode = code;
    });
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.exitCode !== null) {
        throw new Error(`ringlog exited with ${this.exitCode}:\n${this.output()}`);
      }
      if (await canConnect(this.port)) return this;
      await sleep(50);
    }
    throw new Error(`ringlog did not listen within ${timeoutMs} ms:\n${this.output()}`);
  }

  alive() {
    return this.proc !== null && this.exitCode === null;
  }

  output() {
    try {
      return fs.readFileSync(this.logPath, 'utf8');
    } catch {
      return '';
    }
  }

  close() {
    if (this.alive()) this.proc.kill('SIGKILL');
    fs.rmSync(this.dataDir, { recursive: true, force: true });
    fs.rmSync(this.logPath, { force: true });
  }
}

// A node:test test with a started broker (flags `args`), bounded by `timeoutMs`. The
// broker must survive whatever the test did to it.
function brokerTest(name, { args = [], timeoutMs = 60000 } = {}, body) {
  test(name, { timeout: timeoutMs }, async () => {
    const broker = await new Broker(args).start();
    try {
      await body(broker);
      if (!broker.alive()) {
        throw new Error(`ringlog died with code ${broker.exitCode}:\n${broker.output().slice(-4000)}`);
      }
    } finally {
      broker.close();
    }
  });
}

module.exports = { Broker, brokerTest, freePort, sleep };
