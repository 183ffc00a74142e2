"""`ringlog serve --config FILE` with Kafka's server.properties names, on the real binary:
the file's settings take effect (listener, data dir, broker id, the log and topic
defaults, seen through Metadata, DescribeConfigs and the data dir), flags on the command
line win over it, an unknown key is a warning naming it, and a bad value or a missing file
stops the start with a message naming it and a non-zero exit."""

import os
import subprocess
import unittest

from confluent_kafka.admin import AdminClient, ConfigResource

from kafka_helpers import ck_produce, ck_producer
from ringlog_fixture import BACKEND, BINARY, Broker


class ConfiguredBroker(Broker):
    """A broker whose listener and data dir come from its config file only."""

    def __init__(self, settings, extra_args=()):
        super().__init__(extra_args=extra_args)
        self.config_path = self.data_dir + ".properties"
        lines = ["# written by test_config_file.py",
                 "listeners = PLAINTEXT://127.0.0.1:%d" % self.port,
                 "log.dirs = " + self.data_dir] + settings
        with open(self.config_path, "w") as f:
            f.write("\n".join(lines) + "\n")

    def launch(self):
        args = [BINARY, "serve", "--config=" + self.config_path,
                "--backend=" + self.backend] + self.extra_args
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT)
        return self

    def close(self):
        super().close()
        os.remove(self.config_path)


SETTINGS = [
    "broker.id=5",
    "num.partitions=3",
    "auto.create.topics.enable=true",
    "log.segment.bytes=2097152",
    "log.retention.hours=2",
    "log.retention.bytes=50000000",
    "log.roll.ms=3600000",
    "log.flush.interval.messages=5000",
    "message.max.bytes=2000000",
    "min.insync.replicas=1",
    "producer.id.expiration.ms=600000",
    "num.io.threads=8",  # Kafka's, not ringlog's: a warning
]


class ConfigFileTest(unittest.TestCase):
    def start(self, settings, *flags):
        broker = ConfiguredBroker(settings, extra_args=flags)
        self.addCleanup(broker.close)
        return broker.start()

    def broker_configs(self, broker, broker_id):
        admin = AdminClient({"bootstrap.servers": broker.bootstrap})
        resource = ConfigResource("broker", str(broker_id))
        entries = admin.describe_configs([resource], request_timeout=10)[resource].result(
            timeout=15)
        return {name: entry.value for name, entry in entries.items()}

    def test_the_files_settings_take_effect(self):
        broker = self.start(SETTINGS)
        admin = AdminClient({"bootstrap.servers": broker.bootstrap})
        brokers = admin.list_topics(timeout=10).brokers
        self.assertEqual([(b.id, b.host, b.port) for b in brokers.values()],
                         [(5, "127.0.0.1", broker.port)])
        configs = self.broker_configs(broker, 5)
        for key, value in {"broker.id": "5", "num.partitions": "3",
                           "auto.create.topics.enable": "true",
                           "log.segment.bytes": "2097152", "log.retention.ms": "7200000",
                           "log.retention.bytes": "50000000", "log.roll.ms": "3600000",
                           "log.flush.interval.messages": "5000",
                           "message.max.bytes": "2000000",
                           "producer.id.expiration.ms": "600000"}.items():
            self.assertEqual(configs.get(key), value, key)
        # An auto-created topic has num.partitions partitions, stored under log.dirs.
        producer = ck_producer(broker.bootstrap)
        ck_produce(producer, "from-config", ((None, b"v%d" % i, None, None) for i in range(30)))
        topic = admin.list_topics("from-config", timeout=10).topics["from-config"]
        self.assertEqual(len(topic.partitions), 3)
        del producer, admin  # before the broker stops, which they would log
        self.assertTrue(os.listdir(broker.data_dir))
        self.assertEqual(broker.stop(), 0)
        output = broker.output()
        self.assertIn("num.io.threads", output)
        self.assertIn("unknown key", output)

    def test_flags_win_over_the_file(self):
        broker = self.start(SETTINGS, "--num_partitions=2", "--log_segment_bytes=4194304",
                            "--broker_id=6")
        configs = self.broker_configs(broker, 6)
        self.assertEqual(configs["num.partitions"], "2")
        self.assertEqual(configs["log.segment.bytes"], "4194304")
        self.assertEqual(configs["log.retention.ms"], "7200000")  # from the file
        self.assertIn("--num_partitions on the command line overrides num.partitions=3",
                      broker.output())

    def refused(self, settings):
        broker = ConfiguredBroker(settings)
        self.addCleanup(broker.close)
        result = subprocess.run([BINARY, "serve", "--config=" + broker.config_path,
                                 "--backend=" + BACKEND],
                                capture_output=True, timeout=20, text=True)
        self.assertNotEqual(result.returncode, 0, result.stderr)
        self.assertFalse(os.listdir(broker.data_dir), "started on a refused config")
        return result.stderr

    def test_a_bad_value_is_refused_naming_key_and_value(self):
        for bad in ("num.partitions=many", "log.segment.bytes=10",
                    "auto.create.topics.enable=perhaps"):
            with self.subTest(bad=bad):
                stderr = self.refused(["broker.id=1", bad])
                self.assertIn(bad, stderr)
                self.assertIn("line 5:", stderr)  # after the comment, listeners, log.dirs, broker.id

    def test_a_missing_file_is_refused_naming_it(self):
        missing = os.path.join(os.path.dirname(BINARY), "no-such-server.properties")
        result = subprocess.run([BINARY, "serve", "--config=" + missing],
                                capture_output=True, timeout=20, text=True)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("no-such-server.properties", result.stderr)


if __name__ == "__main__":
    unittest.main()
