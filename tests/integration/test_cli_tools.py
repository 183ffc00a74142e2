"""The operator commands of `ringlog` (issue 18, the CLI) against the real binary: each
command's output, exit codes and errors. dump-log reads segment files the test had a broker
write (uring backend only: RocksDB keeps no segment files)."""

import os
import subprocess
import time
import unittest

from confluent_kafka import Consumer, Producer, TopicPartition

from ringlog_fixture import BACKEND, BINARY, CLUSTER_SIZE, Broker, BrokerTestCase


def run(*args, timeout=30):
    return subprocess.run([BINARY] + list(args), capture_output=True, timeout=timeout, text=True)


def segment_of(data_dir, topic, partition=0):
    return os.path.join(data_dir, "%s-%d" % (topic, partition), "%020d.log" % 0)


@unittest.skipUnless(BACKEND == "uring" and not CLUSTER_SIZE,
                     "dump-log reads the uring backend's segment files (of its own broker)")
class DumpLogTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # A transaction (3 records with headers, then its commit marker) and a plain record,
        # written by a broker that is then stopped: dump-log works on the data dir offline.
        cls.broker = Broker(backend="uring").start()
        txn = Producer({"bootstrap.servers": cls.broker.bootstrap, "transactional.id": "dl"})
        txn.init_transactions(20)
        txn.begin_transaction()
        for i in range(3):
            txn.produce("dump", key=b"k%d" % i, value=b"v%d" % i, headers=[("h", b"x")],
                        partition=0)
        txn.commit_transaction(20)
        plain = Producer({"bootstrap.servers": cls.broker.bootstrap})
        plain.produce("dump", value=b"plain", partition=0)
        assert plain.flush(20) == 0
        del txn, plain  # closed before the broker stops: no reconnect noise
        cls.broker.stop()

    @classmethod
    def tearDownClass(cls):
        cls.broker.close()

    def test_batches_of_a_segment(self):
        result = run("dump-log", segment_of(self.broker.data_dir, "dump"))
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = [l for l in result.stdout.splitlines() if l.startswith("baseOffset:")]
        self.assertEqual(len(lines), 3, result.stdout)
        self.assertIn("baseOffset: 0 lastOffset: 2 count: 3 baseSequence: 0 lastSequence: 2",
                      lines[0])
        self.assertIn("isTransactional: true isControl: false position: 0", lines[0])
        self.assertIn("baseOffset: 3 lastOffset: 3", lines[1])
        self.assertIn("isControl: true", lines[1])
        self.assertIn("| endTxnMarker: COMMIT", result.stdout)
        self.assertIn("producerId: -1 producerEpoch: -1", lines[2])
        for line in lines:
            self.assertIn("isvalid: true", line)
        self.assertNotIn("payload:", result.stdout)
        self.assertIn("Summary: 3 batches, 5 records, 0 bad CRC", result.stdout)

    def test_records_with_print_data_log(self):
        result = run("dump-log", "--print_data_log", os.path.join(self.broker.data_dir, "dump-0"))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("key: k1 payload: v1 headers: h=x", result.stdout)
        self.assertIn("key: null payload: plain", result.stdout)

    def test_a_whole_data_dir(self):
        result = run("dump-log", self.broker.data_dir)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("Dumping " + segment_of(self.broker.data_dir, "dump"), result.stdout)
        self.assertIn("__transaction_state-", result.stdout)  # every partition's segments

    def test_a_bad_crc_and_a_torn_tail_are_reported(self):
        with open(segment_of(self.broker.data_dir, "dump"), "rb") as f:
            data = bytearray(f.read())
        damaged_dir = self.broker.data_dir + "-damaged"
        os.makedirs(damaged_dir)
        self.addCleanup(lambda: subprocess.run(["rm", "-rf", damaged_dir]))
        flipped = bytearray(data)
        flipped[100] ^= 0xFF  # inside the first batch's records: its CRC no longer matches
        with open(os.path.join(damaged_dir, "%020d.log" % 0), "wb") as f:
            f.write(flipped)
        with open(os.path.join(damaged_dir, "%020d.log" % 1), "wb") as f:
            f.write(data[:-10])  # the last batch cut short
        result = run("dump-log", damaged_dir)
        self.assertEqual(result.returncode, 1)
        self.assertIn("isvalid: false", result.stdout)
        self.assertIn("1 bad CRC", result.stdout)
        self.assertIn("runs past the end of the file", result.stdout)
        self.assertIn("bad CRC", result.stderr)

    def test_usage_errors(self):
        result = run("dump-log")
        self.assertEqual(result.returncode, 2)
        self.assertIn("name a segment file", result.stderr)
        result = run("dump-log", "/nonexistent/ringlog")
        self.assertEqual(result.returncode, 2)
        self.assertIn("no such file", result.stderr)
        result = run("dump-log", "--help")
        self.assertEqual(result.returncode, 0)
        self.assertIn("usage: ringlog dump-log", result.stdout)
        self.assertIn("print_data_log", result.stdout)


class TopicsTest(BrokerTestCase):
    def topics(self, *args, expect=0):
        result = run("topics", *args, "--bootstrap_server=" + self.broker.bootstrap)
        self.assertEqual(result.returncode, expect, result.stdout + result.stderr)
        return result

    def test_create_describe_alter_delete(self):
        self.topics("create", "--topic=orders", "--partitions=3", "--configs=retention.ms=60000")
        self.assertIn("orders", self.topics("list").stdout.split())
        text = self.topics("describe", "--topic=orders").stdout
        self.assertIn("Topic: orders\tPartitionCount: 3\tReplicationFactor: 1", text)
        self.assertIn("Configs: retention.ms=60000", text)
        self.assertEqual(text.count("\tTopic: orders\tPartition: "), 3)
        self.assertIn("Partition: 2\tLeader: ", text)

        self.topics("alter", "--topic=orders", "--partitions=5", "--configs=segment.bytes=1048576",
                    "--delete_configs=retention.ms")
        text = self.topics("describe", "--topic=orders").stdout
        self.assertIn("PartitionCount: 5", text)
        self.assertIn("Configs: segment.bytes=1048576", text)
        self.assertNotIn("retention.ms", text)

        self.assertIn("deleted topic orders", self.topics("delete", "--topic=orders").stdout)
        deadline = time.time() + 10
        while "orders" in self.topics("list").stdout.split() and time.time() < deadline:
            time.sleep(0.1)
        self.assertNotIn("orders", self.topics("list").stdout.split())
        # describe must not create it again (a metadata request naming it would).
        result = self.topics("describe", "--topic=orders", expect=1)
        self.assertIn("orders: no such topic", result.stderr)

    def test_errors(self):
        self.topics("create", "--topic=twice")
        result = self.topics("create", "--topic=twice", expect=1)
        self.assertIn("TOPIC_ALREADY_EXISTS", result.stderr)
        result = self.topics("alter", "--topic=missing", "--partitions=3", expect=1)
        self.assertIn("missing", result.stderr)
        result = self.topics("alter", "--topic=twice", "--partitions=1", expect=1)  # fewer
        self.assertIn("twice", result.stderr)
        self.assertIn("needs --topic", self.topics("create", expect=2).stderr)
        self.assertIn("unknown action 'frob'", self.topics("frob", expect=2).stderr)
        self.assertIn("not key=value", self.topics("create", "--topic=x", "--configs=a",
                                                   expect=2).stderr)
        result = run("topics", "list", "--bootstrap_server=127.0.0.1:1", "--request_timeout_ms=2000")
        self.assertEqual(result.returncode, 1)
        self.assertIn("ringlog topics:", result.stderr)
        result = run("topics", "--help")
        self.assertEqual(result.returncode, 0)
        for flag in ("-topic", "-partitions", "-replication_factor", "-configs",
                     "-delete_configs", "-bootstrap_server"):
            self.assertIn(flag, result.stdout)
        self.assertNotIn("-listen", result.stdout)


class GroupsTest(BrokerTestCase):
    BROKER_ARGS = ("--group_initial_rebalance_delay_ms=0",)

    def groups(self, *args, expect=0):
        result = run("groups", *args, "--bootstrap_server=" + self.broker.bootstrap)
        self.assertEqual(result.returncode, expect, result.stdout + result.stderr)
        return result

    def consumer(self, group):
        consumer = Consumer({"bootstrap.servers": self.broker.bootstrap, "group.id": group,
                             "auto.offset.reset": "earliest", "enable.auto.commit": False})
        self.addCleanup(consumer.close)
        return consumer

    def produce(self, topic, count, partitions, timestamps=None):
        producer = Producer({"bootstrap.servers": self.broker.bootstrap})
        for i in range(count):
            producer.produce(topic, value=b"v%d" % i, partition=i % partitions,
                             timestamp=timestamps[i] if timestamps else 0)
        self.assertEqual(producer.flush(20), 0)

    def consume_and_commit(self, consumer, topic, count):
        consumer.subscribe([topic])
        got = []
        deadline = time.time() + 30
        while len(got) < count and time.time() < deadline:
            message = consumer.poll(0.5)
            if message is not None and not message.error():
                got.append(message)
        self.assertEqual(len(got), count)
        consumer.commit(asynchronous=False)
        return got

    def committed(self, group, topic, partitions):
        consumer = Consumer({"bootstrap.servers": self.broker.bootstrap, "group.id": group})
        try:
            tps = consumer.committed([TopicPartition(topic, p) for p in range(partitions)], 20)
            return {tp.partition: tp.offset for tp in tps}
        finally:
            consumer.close()

    def table(self, text, columns):
        """describe's rows by partition (the third column)."""
        rows = {}
        for line in text.splitlines():
            fields = line.split()
            if len(fields) >= columns and fields[2].isdigit():
                rows[int(fields[2])] = fields
        return rows

    def test_describe_shows_lag_and_reset_offsets_moves_the_group(self):
        created = run("topics", "create", "--topic=lagged", "--partitions=2",
                      "--bootstrap_server=" + self.broker.bootstrap)
        self.assertEqual(created.returncode, 0, created.stderr)
        self.produce("lagged", 10, 2)
        consumer = self.consumer("lag-group")
        self.consume_and_commit(consumer, "lagged", 6)

        # Active: describe names the owner; reset-offsets is refused as Kafka refuses it.
        text = self.groups("describe", "--group=lag-group").stdout
        self.assertIn("State: Stable", text)
        result = self.groups("reset-offsets", "--group=lag-group", "--topic=lagged",
                             "--to_earliest", "--execute", expect=1)
        self.assertIn("can only be reset if the group 'lag-group' is inactive", result.stderr)
        consumer.close()

        committed = self.committed("lag-group", "lagged", 2)
        rows = self.table(self.groups("describe", "--group=lag-group").stdout, 6)
        self.assertEqual(sorted(rows), [0, 1])
        for partition, fields in rows.items():
            current, end, lag = int(fields[3]), int(fields[4]), int(fields[5])
            self.assertEqual(current, committed[partition])
            self.assertEqual(end, 5)  # the high watermark: 10 records over 2 partitions
            self.assertEqual(lag, end - current)
        self.assertIn("lag-group", self.groups("list").stdout.split())

        # Dry run: nothing moves.
        text = self.groups("reset-offsets", "--group=lag-group", "--topic=lagged",
                           "--to_earliest").stdout
        self.assertIn("dry run", text)
        self.assertEqual(self.committed("lag-group", "lagged", 2), committed)

        self.groups("reset-offsets", "--group=lag-group", "--topic=lagged", "--to_offset=3",
                    "--execute")
        self.assertEqual(self.committed("lag-group", "lagged", 2), {0: 3, 1: 3})
        self.groups("reset-offsets", "--group=lag-group", "--topic=lagged", "--to_latest",
                    "--execute")
        self.assertEqual(self.committed("lag-group", "lagged", 2), {0: 5, 1: 5})
        self.groups("reset-offsets", "--group=lag-group", "--topic=lagged", "--to_offset=99",
                    "--execute")  # clamped to the high watermark
        self.assertEqual(self.committed("lag-group", "lagged", 2), {0: 5, 1: 5})
        self.groups("reset-offsets", "--group=lag-group", "--to_earliest", "--execute")
        self.assertEqual(self.committed("lag-group", "lagged", 2), {0: 0, 1: 0})

        # The group really moved: its next member reads everything again.
        again = self.consumer("lag-group")
        self.assertEqual(len(self.consume_and_commit(again, "lagged", 10)), 10)
        again.close()

        self.assertIn("deleted group lag-group",
                      self.groups("delete", "--group=lag-group").stdout)
        self.assertNotIn("lag-group", self.groups("list").stdout.split())
        self.assertIn("does not exist", self.groups("describe", "--group=lag-group",
                                                    expect=1).stderr)

    def test_reset_to_datetime(self):
        run("topics", "create", "--topic=timed", "--partitions=1",
            "--bootstrap_server=" + self.broker.bootstrap)
        base = 1_700_000_000_000
        self.produce("timed", 5, 1, timestamps=[base + 1000 * i for i in range(5)])
        consumer = self.consumer("timed-group")
        self.consume_and_commit(consumer, "timed", 5)
        consumer.close()
        # 2023-11-14T22:13:22Z is base + 2000 ms: the record at offset 2.
        self.groups("reset-offsets", "--group=timed-group", "--topic=timed",
                    "--to_datetime=2023-11-14T22:13:22.000Z", "--execute")
        self.assertEqual(self.committed("timed-group", "timed", 1), {0: 2})
        self.groups("reset-offsets", "--group=timed-group", "--topic=timed",
                    "--to_datetime=%d" % (base + 3500), "--execute")
        self.assertEqual(self.committed("timed-group", "timed", 1), {0: 4})
        self.groups("reset-offsets", "--group=timed-group", "--topic=timed",
                    "--to_datetime=2099-01-01T00:00:00", "--execute")
        self.assertEqual(self.committed("timed-group", "timed", 1), {0: 5})

    def test_usage_errors(self):
        self.assertIn("needs --group", self.groups("describe", expect=2).stderr)
        self.assertIn("needs one of", self.groups("reset-offsets", "--group=g", expect=2).stderr)
        self.assertIn("needs one of", self.groups("reset-offsets", "--group=g", "--to_latest",
                                                  "--to_earliest", expect=2).stderr)
        self.assertIn("is not YYYY", self.groups("reset-offsets", "--group=g",
                                                 "--to_datetime=yesterday", expect=2).stderr)
        self.assertIn("unknown action", self.groups("frob", expect=2).stderr)
        result = run("groups", "--help")
        self.assertEqual(result.returncode, 0)
        for flag in ("-group", "-to_earliest", "-to_latest", "-to_offset", "-to_datetime",
                     "-dry_run", "-execute", "-topic"):
            self.assertIn(flag, result.stdout)


class ClusterCommandTest(BrokerTestCase):
    BROKER_ARGS = ("--replica_lag_time_max_ms=1000",)

    def test_brokers_and_controller(self):
        result = run("cluster", "--bootstrap_server=" + self.broker.bootstrap)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("Controller: ", result.stdout)
        for broker in self.brokers:
            self.assertRegex(result.stdout, r"\n\d+ +127\.0\.0\.1 +%d " % broker.port)
        self.assertIn("controller", result.stdout.split("ROLE", 1)[1])
        self.assertIn("Under-replicated partitions: 0", result.stdout)
        self.assertIn("Offline partitions: 0", result.stdout)

    @unittest.skipUnless(CLUSTER_SIZE >= 3, "needs a cluster")
    def test_under_replicated_partitions(self):
        created = run("topics", "create", "--topic=replicated", "--partitions=2",
                      "--replication_factor=3", "--bootstrap_server=" + self.broker.bootstrap)
        self.assertEqual(created.returncode, 0, created.stderr)
        # Neither the broker asked nor the controller, which shrinks the ISRs.
        controller = self.cluster.controller_id()
        frozen = next(i for i in self.cluster.ids
                      if i != controller and self.cluster.broker(i) is not self.broker)
        self.cluster.pause(frozen)  # SIGSTOP: it stops fetching and drops out of the ISRs
        self.addCleanup(self.cluster.resume, frozen)
        deadline = time.time() + 40
        text = ""
        while time.time() < deadline:
            text = run("cluster", "--bootstrap_server=" + self.broker.bootstrap).stdout
            if "Under-replicated partitions: 0" not in text and "replicated\t" in text:
                break
            time.sleep(0.5)
        self.assertRegex(text, r"Under-replicated partitions: [1-9]")
        listed = text.split("Under-replicated", 1)[1].split("Offline", 1)[0]
        self.assertRegex(listed, r"\treplicated\t[01]\tLeader: \d+\tReplicas: ")
        for line in listed.splitlines()[1:]:  # the frozen broker is out of every listed ISR
            self.assertNotIn(str(frozen), line.split("Isr: ")[1].split(","))

    def test_errors(self):
        result = run("cluster", "--bootstrap_server=127.0.0.1:1", "--request_timeout_ms=2000")
        self.assertEqual(result.returncode, 1)
        self.assertIn("ringlog cluster: 127.0.0.1:1", result.stderr)
        self.assertEqual(run("cluster", "--bootstrap_server=nonsense").returncode, 2)
        self.assertEqual(run("cluster", "extra").returncode, 2)
        result = run("cluster", "--group=g")  # a flag of another command
        self.assertEqual(result.returncode, 2)
        self.assertIn("--group is a flag of groups", result.stderr)


class ProduceConsumeTest(BrokerTestCase):
    BROKER_ARGS = ("--group_initial_rebalance_delay_ms=0",)

    def cli(self, *args, data=None, expect=0):
        result = subprocess.run([BINARY] + list(args) + ["--bootstrap_server=" + self.broker.bootstrap],
                                input=data, capture_output=True, timeout=60, text=True)
        self.assertEqual(result.returncode, expect, result.stdout + result.stderr)
        return result

    def records(self, text):
        """consume's lines as dicts of their tab-separated fields."""
        return [dict(field.split(": ", 1) for field in line.split("\t"))
                for line in text.splitlines()]

    def test_produce_then_consume_with_keys_headers_timestamps(self):
        self.cli("topics", "create", "--topic=lines", "--partitions=1")
        result = self.cli("produce", "--topic=lines", "--key_separator=:", "--headers=a=1,b=2",
                          data="k1:v1\nk2:v2\nno key\n")
        self.assertIn("3 records written", result.stderr)
        records = self.records(self.cli("consume", "--topic=lines", "--from_beginning",
                                        "-n", "3").stdout)
        self.assertEqual([(r["Offset"], r["Key"], r["Value"]) for r in records],
                         [("0", "k1", "v1"), ("1", "k2", "v2"), ("2", "null", "no key")])
        for r in records:
            self.assertEqual(r["Headers"], "a=1,b=2")
            self.assertEqual(r["Partition"], "0")
            self.assertGreater(int(r["CreateTime"]), 1_600_000_000_000)

        # -n stops early; --timeout_ms stops when nothing more comes.
        self.assertEqual(len(self.records(self.cli("consume", "--topic=lines", "--from_beginning",
                                                   "-n", "1").stdout)), 1)
        self.assertEqual(len(self.records(self.cli("consume", "--topic=lines", "--from_beginning",
                                                   "--timeout_ms=1500").stdout)), 3)

    def test_consume_in_a_group_commits_what_it_printed(self):
        self.cli("topics", "create", "--topic=grouped", "--partitions=1")
        self.cli("produce", "--topic=grouped", data="".join("r%d\n" % i for i in range(5)))
        first = self.records(self.cli("consume", "--topic=grouped", "--group=cli-group",
                                      "--from_beginning", "-n", "2").stdout)
        self.assertEqual([r["Value"] for r in first], ["r0", "r1"])
        describe = self.cli("groups", "describe", "--group=cli-group").stdout
        self.assertRegex(describe, r"cli-group +grouped +0 +2 +5 +3 ")
        rest = self.records(self.cli("consume", "--topic=grouped", "--group=cli-group",
                                     "--timeout_ms=3000").stdout)
        self.assertEqual([r["Value"] for r in rest], ["r2", "r3", "r4"])

    def test_without_from_beginning_only_new_records(self):
        self.cli("topics", "create", "--topic=tail", "--partitions=1")
        self.cli("produce", "--topic=tail", data="old\n")
        consumer = subprocess.Popen(
            [BINARY, "consume", "--topic=tail", "-n", "1", "--bootstrap_server=" + self.broker.bootstrap],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.addCleanup(consumer.kill)
        deadline = time.time() + 30
        i = 0
        while consumer.poll() is None and time.time() < deadline:
            self.cli("produce", "--topic=tail", data="new%d\n" % i)
            i += 1
            time.sleep(0.5)
        out, err = consumer.communicate(timeout=10)
        self.assertEqual(consumer.returncode, 0, err)
        self.assertTrue(self.records(out)[0]["Value"].startswith("new"), out)

    def test_errors(self):
        self.assertIn("needs --topic", self.cli("produce", data="x\n", expect=2).stderr)
        self.assertIn("needs --topic", self.cli("consume", expect=2).stderr)
        self.assertIn("no such topic", self.cli("consume", "--topic=absent", "--timeout_ms=1000",
                                                expect=1).stderr)
        self.assertIn("not key=value", self.cli("produce", "--topic=t", "--headers=x",
                                                data="x\n", expect=2).stderr)
        for command, flags in (("produce", ("-key_separator", "-headers", "-partition", "-acks")),
                               ("consume", ("-from_beginning", "-n", "-timeout_ms", "-group"))):
            result = run(command, "--help")
            self.assertEqual(result.returncode, 0)
            for flag in flags:
                self.assertIn(flag, result.stdout)


if __name__ == "__main__":
    unittest.main()
