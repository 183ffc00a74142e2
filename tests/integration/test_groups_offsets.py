"""Committed offsets as clients see them: a kafka-python group resumes exactly where it
committed (also across a broker restart), `kcat -G` commits and a second run reads
nothing new, and KafkaAdminClient lists, describes, reads the offsets of and deletes
groups."""

import time
import unittest

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import KafkaAdminClient, NewTopic
from kafka.errors import GroupIdNotFoundError, NoError, NonEmptyGroupError
from kafka.structs import OffsetAndMetadata

from kafka_helpers import kcat
from ringlog_fixture import BrokerTestCase


class OffsetsTest(BrokerTestCase):
    BROKER_ARGS = ("--group_initial_rebalance_delay_ms=100",)

    def admin(self):
        admin = KafkaAdminClient(bootstrap_servers=self.broker.bootstrap)
        self.addCleanup(admin.close)
        return admin

    def produce(self, topic, count, partitions=1):
        self.admin().create_topics([NewTopic(topic, partitions, 1)])
        producer = KafkaProducer(bootstrap_servers=self.broker.bootstrap, acks="all")
        try:
            for i in range(count):
                producer.send(topic, b"v%d" % i, partition=i % partitions)
            producer.flush(15)
        finally:
            producer.close()

    def consumer(self, group, topic):
        return KafkaConsumer(topic, bootstrap_servers=self.broker.bootstrap, group_id=group,
                             auto_offset_reset="earliest", enable_auto_commit=False,
                             session_timeout_ms=6000, heartbeat_interval_ms=500)

    def first_offset(self, group, topic):
        """The offset of the first record a new member of `group` reads."""
        consumer = self.consumer(group, topic)
        try:
            deadline = time.time() + 30
            while time.time() < deadline:
                for records in consumer.poll(timeout_ms=200).values():
                    return records[0].offset
            raise AssertionError("nothing consumed")
        finally:
            consumer.close()

    def test_a_new_member_resumes_at_the_committed_offset_also_after_a_restart(self):
        self.produce("resume", 100)
        consumer = self.consumer("resumers", "resume")
        read = []
        deadline = time.time() + 30
        while len(read) < 50 and time.time() < deadline:
            for records in consumer.poll(timeout_ms=200).values():
                read.extend(records)
        self.assertGreaterEqual(len(read), 50)
        tp = TopicPartition("resume", 0)
        consumer.commit({tp: OffsetAndMetadata(50, "half way")})
        self.assertEqual(consumer.committed(tp), 50)
        consumer.close()

        self.assertEqual(self.first_offset("resumers", "resume"), 50)
        self.broker.restart()
        self.assertEqual(self.first_offset("resumers", "resume"), 50)
        offsets = self.admin().list_consumer_group_offsets("resumers")
        self.assertEqual(offsets[tp].offset, 50)
        self.assertEqual(offsets[tp].metadata, "half way")

    def test_kcat_group_commits_and_a_second_run_reads_nothing_new(self):
        self.produce("kcat-topic", 40, partitions=3)
        args = ["-b", self.broker.bootstrap, "-G", "kcat-group", "kcat-topic", "-e", "-q",
                "-X", "auto.offset.reset=earliest", "-f", "%p:%o\n"]
        first = kcat(*args).decode().split()
        self.assertEqual(len(first), 40)
        self.assertEqual(len(set(first)), 40)
        self.assertEqual(kcat(*args).decode().split(), [])
        offsets = self.admin().list_consumer_group_offsets("kcat-group")
        self.assertEqual(sum(o.offset for o in offsets.values()), 40)

    def test_admin_client_lists_describes_and_deletes_groups(self):
        self.produce("admin-topic", 10)
        consumer = self.consumer("admin-group", "admin-topic")
        deadline = time.time() + 30
        while not consumer.assignment() and time.time() < deadline:
            consumer.poll(timeout_ms=200)
        consumer.commit({TopicPartition("admin-topic", 0): OffsetAndMetadata(7, "")})
        admin = self.admin()
        self.assertIn(("admin-group", "consumer"), admin.list_consumer_groups())
        group = admin.describe_consumer_groups(["admin-group"])[0]
        self.assertEqual(group.state, "Stable")
        self.assertEqual(group.protocol, "range")
        self.assertEqual(len(group.members), 1)
        self.assertEqual(group.members[0].client_host, "/127.0.0.1")
        self.assertEqual(
            group.members[0].member_assignment.assignment, [("admin-topic", [0])])
        self.assertEqual(admin.list_consumer_group_offsets("admin-group"),
                         {TopicPartition("admin-topic", 0): OffsetAndMetadata(7, "")})
        self.assertEqual(dict(admin.delete_consumer_groups(["admin-group"])),
                         {"admin-group": NonEmptyGroupError})

        consumer.close()
        self.assertEqual(dict(admin.delete_consumer_groups(["admin-group", "never-existed"])),
                         {"admin-group": NoError, "never-existed": GroupIdNotFoundError})
        self.assertEqual(admin.list_consumer_group_offsets("admin-group"), {})
        self.assertNotIn("admin-group", [g for g, _ in admin.list_consumer_groups()])


if __name__ == "__main__":
    unittest.main()
