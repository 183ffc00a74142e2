"""A damaged topic record in a real data directory (issue 11 item 6). A record claiming
99,999,999 partitions once made start-up create directories until it ran out of
descriptors. Now the broker refuses to start: it exits non-zero at once with a message
naming the record and what is wrong with it, having created nothing, and the other
topics' data is untouched once the record is removed.

The record is planted the way each backend stores it: a file under <data_dir>/meta for
uring, a CRC-32C-framed value in the "meta" column family (written with RocksDB's ldb) for
rocksdb."""

import os
import struct
import subprocess
import unittest

from kafka.record.util import calc_crc32c

from kafka_helpers import kp_consume, kp_producer
from ringlog_fixture import Broker

RECORD = "topic.huge"
HUGE = b"ringlog-topic 1\npartitions 99999999\n"


def plant_record(broker, name, value):
    if broker.backend == "uring":
        with open(os.path.join(broker.data_dir, "meta", name), "wb") as f:
            f.write(value)
        return
    key = b"M" + name.encode()
    stored = struct.pack(">I", calc_crc32c(value)) + value
    subprocess.run(["ldb", "--db=" + os.path.join(broker.data_dir, "rocksdb"),
                    "--column_family=meta", "--key_hex", "--value_hex", "put",
                    "0x" + key.hex(), "0x" + stored.hex()], check=True, capture_output=True,
                   timeout=60)


def remove_record(broker, name):
    if broker.backend == "uring":
        os.remove(os.path.join(broker.data_dir, "meta", name))
        return
    subprocess.run(["ldb", "--db=" + os.path.join(broker.data_dir, "rocksdb"),
                    "--column_family=meta", "--key_hex", "delete",
                    "0x" + (b"M" + name.encode()).hex()], check=True, capture_output=True,
                   timeout=60)


def directories(root):
    return sorted(path for path, _dirs, _files in os.walk(root))


class CorruptTopicRecordTest(unittest.TestCase):

    def setUp(self):
        self.broker = Broker()
        self.addCleanup(self.broker.close)

    def test_a_record_beyond_the_limits_stops_the_start_and_harms_nothing(self):
        self.broker.start()
        producer = kp_producer(self.broker.bootstrap)
        for i in range(5):
            producer.send("kept", value=b"v%d" % i).get(timeout=30)
        producer.close()
        self.assertEqual(self.broker.stop(), 0)

        plant_record(self.broker, RECORD, HUGE)
        before = directories(self.broker.data_dir)
        with self.assertRaises(RuntimeError) as refused:
            self.broker.start(timeout=30)
        self.broker.proc = None
        self.broker.log.close()
        message = str(refused.exception)
        print(message.strip().splitlines()[-1])
        self.assertIn("ringlog exited with 1", message)
        self.assertIn(RECORD, message)
        self.assertIn("99999999", message)
        self.assertEqual(directories(self.broker.data_dir), before)

        remove_record(self.broker, RECORD)
        self.broker.start()
        values = [r.value for r in kp_consume(self.broker.bootstrap, "kept", 5)]
        self.assertEqual(values, [b"v%d" % i for i in range(5)])
        self.assertEqual(self.broker.stop(), 0)


if __name__ == "__main__":
    unittest.main()
