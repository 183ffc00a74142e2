"""/metrics against the real binary: scraped with curl while kafka-python produces and a
group consumes, parsed with Debian's prometheus_client parser. Counters grow with the
traffic, the lag of a group equals the high watermark minus its committed offset, the
group's state shows, and any other path is a 404."""

import subprocess
import unittest

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import KafkaAdminClient, NewTopic
from kafka.structs import OffsetAndMetadata
from prometheus_client.parser import text_string_to_metric_families

import cluster_wire
from ringlog_fixture import Broker, free_port


def samples(text):
    """{(name, frozenset(labels)): value} of every sample."""
    out = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            out[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return out


def value(scraped, name, **labels):
    return scraped.get((name, frozenset(labels.items())))


class MetricsTest(unittest.TestCase):
    def setUp(self):
        self.metrics_port = free_port()
        self.broker = Broker(("--metrics_listen=127.0.0.1:%d" % self.metrics_port,
                              "--group_initial_rebalance_delay_ms=100")).start()
        self.addCleanup(self.broker.close)
        self.url = "http://127.0.0.1:%d" % self.metrics_port

    def tearDown(self):
        if not self.broker.alive():
            self.fail("ringlog died:\n" + self.broker.output()[-4000:])

    def curl(self, path):
        """(HTTP status, body) of a GET of `path`."""
        result = subprocess.run(["curl", "-sS", "-w", "\n%{http_code}", self.url + path],
                                capture_output=True, check=True, timeout=20)
        body, _, status = result.stdout.decode().rpartition("\n")
        return int(status), body

    def scrape(self):
        status, body = self.curl("/metrics")
        self.assertEqual(status, 200)
        return samples(body)

    def produce(self, topic, count, partitions):
        producer = KafkaProducer(bootstrap_servers=self.broker.bootstrap, acks="all")
        try:
            for i in range(count):
                producer.send(topic, b"value-%d" % i, partition=i % partitions)
            producer.flush(15)
        finally:
            producer.close()

    def test_counters_lag_and_404(self):
        admin = KafkaAdminClient(bootstrap_servers=self.broker.bootstrap)
        self.addCleanup(admin.close)
        admin.create_topics([NewTopic("metered", 2, 1)])
        before = self.scrape()

        self.produce("metered", 40, 2)
        first = self.scrape()
        produces = value(first, "ringlog_requests_total", api="Produce")
        self.assertGreater(produces, value(before, "ringlog_requests_total", api="Produce") or 0)
        self.assertEqual(value(first, "ringlog_topic_records_in_total", topic="metered"), 40)
        self.assertGreater(value(first, "ringlog_topic_bytes_in_total", topic="metered"), 40 * 7)
        self.assertEqual(
            value(first, "ringlog_request_duration_seconds_count", api="Produce"), produces)
        self.assertGreater(value(first, "ringlog_connections_accepted_total"), 0)
        self.assertGreater(value(first, "ringlog_open_fds"), 0)
        self.assertEqual(value(first, "ringlog_is_controller"), 1)
        self.assertGreater(value(first, "ringlog_flush_duration_seconds_count"), 0)
        for p in (0, 1):
            self.assertEqual(value(first, "ringlog_partition_log_end_offset",
                                   topic="metered", partition=str(p)), 20)
            self.assertEqual(value(first, "ringlog_partition_high_watermark",
                                   topic="metered", partition=str(p)), 20)
            self.assertGreater(value(first, "ringlog_partition_size_bytes",
                                     topic="metered", partition=str(p)), 0)

        # A group reads everything, then commits 5 on partition 0 and 12 on partition 1.
        consumer = KafkaConsumer("metered", bootstrap_servers=self.broker.bootstrap,
                                 group_id="lagging", auto_offset_reset="earliest",
                                 enable_auto_commit=False, session_timeout_ms=6000)
        try:
            seen = 0
            for _ in range(100):
                seen += sum(len(r) for r in consumer.poll(timeout_ms=200).values())
                if seen >= 40:
                    break
            self.assertEqual(seen, 40)
            consumer.commit({TopicPartition("metered", 0): OffsetAndMetadata(5, None),
                             TopicPartition("metered", 1): OffsetAndMetadata(12, None)})
            during = self.scrape()
            self.assertEqual(value(during, "ringlog_consumer_group_state",
                                   group="lagging", state="Stable"), 1)
        finally:
            consumer.close()

        self.produce("metered", 10, 2)
        second = self.scrape()
        self.assertGreater(value(second, "ringlog_requests_total", api="Produce"), produces)
        self.assertEqual(value(second, "ringlog_topic_records_in_total", topic="metered"), 50)
        self.assertGreater(value(second, "ringlog_topic_bytes_out_total", topic="metered"), 0)
        self.assertGreaterEqual(
            value(second, "ringlog_topic_records_out_total", topic="metered"), 40)
        self.assertGreater(value(second, "ringlog_requests_total", api="Fetch"), 0)
        for p, committed in ((0, 5), (1, 12)):
            labels = dict(group="lagging", topic="metered", partition=str(p))
            hw = value(second, "ringlog_partition_high_watermark", topic="metered",
                       partition=str(p))
            self.assertEqual(hw, 25)
            self.assertEqual(value(second, "ringlog_consumer_group_committed_offset", **labels),
                             committed)
            self.assertEqual(value(second, "ringlog_consumer_group_lag", **labels),
                             hw - committed)
        self.assertEqual(value(second, "ringlog_consumer_group_state",
                               group="lagging", state="Empty"), 1)

        status, _ = self.curl("/nope")
        self.assertEqual(status, 404)
        status, _ = self.curl("/metrics/extra")
        self.assertEqual(status, 404)

    def test_errors_are_counted_per_api_and_code(self):
        admin = KafkaAdminClient(bootstrap_servers=self.broker.bootstrap)
        self.addCleanup(admin.close)
        admin.create_topics([NewTopic("one", 1, 1)])
        # Partition 7 of a one-partition topic: UNKNOWN_TOPIC_OR_PARTITION (3), twice.
        for _ in range(2):
            error, _ = cluster_wire.produce(self.broker.port, "one", 7, [b"x"])
            self.assertEqual(error, 3)
        # Other APIs, each answering an error of its own kind.
        with cluster_wire.Connection(self.broker.port) as conn:
            created = cluster_wire.create_topics_answer(
                conn.call(19, 2, cluster_wire.create_topics_request("one", 1)))
        self.assertEqual(created[0], 36)  # TOPIC_ALREADY_EXISTS
        heartbeat = cluster_wire.heartbeat(self.broker.port, "no-such-group")
        self.assertNotEqual(heartbeat, 0)
        unknown = cluster_wire.metadata(self.broker.port, ["missing"])["topics"]["missing"]
        self.assertEqual(unknown["error"], 3)
        self.assertEqual(cluster_wire.fetch(self.broker.port, "one", 0, 1000)["error"], 1)
        with cluster_wire.Connection(self.broker.port) as conn:
            fallback = conn.call(18, 99, b"")  # ApiVersions above the range
            self.assertEqual(fallback.take(">h"), 35)  # UNSUPPORTED_VERSION

        scraped = self.scrape()
        errors = {(dict(labels)["api"], dict(labels)["code"]): n
                  for (name, labels), n in scraped.items()
                  if name == "ringlog_request_errors_total"}
        self.assertEqual(errors, {("Produce", "3"): 2, ("CreateTopics", "36"): 1,
                                  ("Heartbeat", str(heartbeat)): 1, ("Metadata", "3"): 1,
                                  ("Fetch", "1"): 1, ("ApiVersions", "35"): 1})
        self.assertIsNone(value(scraped, "ringlog_topic_records_in_total", topic="one"))

    def test_records_out_count_the_offsets_fetch_sends(self):
        admin = KafkaAdminClient(bootstrap_servers=self.broker.bootstrap)
        self.addCleanup(admin.close)
        admin.create_topics([NewTopic("sent", 1, 1)])
        self.produce("sent", 30, 1)
        before = self.scrape()
        fetched = cluster_wire.fetch(self.broker.port, "sent", 0, 0)
        self.assertEqual(fetched["error"], 0)
        after = self.scrape()

        def grew(name):
            return value(after, name, topic="sent") - (value(before, name, topic="sent") or 0)

        self.assertEqual(grew("ringlog_topic_records_out_total"), 30)
        self.assertEqual(grew("ringlog_topic_bytes_out_total"), len(fetched["records"]))

if __name__ == "__main__":
    unittest.main()
