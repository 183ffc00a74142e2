"""The consume-transform-produce process of test_txn_consume_transform_produce (issue 17):
what an exactly-once application does with confluent-kafka (1.7.0 on librdkafka 2.0.2).

It reads the input topic in a consumer group and, per batch of records, in one
transaction: writes each record transformed to the output topic (value T(<input value>),
keyed by the input value, so that a transaction spans the output's partitions), sends the
consumed positions with send_offsets_to_transaction and commits. The test kills it with
SIGKILL at random moments and starts it again with the same transactional id, whose
init_transactions ends what the killed one left open (an abort, or a commit already
decided).

On SIGTERM it stops between transactions and closes its consumer; exit code 0. An
abortable transaction error aborts and rewinds the consumer to the group's committed
offsets, as an application must; any other error exits non-zero. Progress goes to stdout
as JSON lines (ready, committing, commit, abort, stopped; each with its time since the
start, t, and the wall-clock time, at), which the test reads to time its kills.

Usage: txn_transformer.py BOOTSTRAP INPUT OUTPUT GROUP TRANSACTIONAL_ID [--instance-id ID]
                          [--commit-delay SECONDS] [--process-delay SECONDS]
  --instance-id: a static member (group.instance.id) of that id
  --commit-delay: a pause between sending a transaction's offsets and committing it (an
      application's slow step), in which the test kills it with the offsets pending
  --process-delay: a pause between a transaction's records and its offsets (slow
      processing): the input lasts long enough for the test's kills and for a member that
      joins later
"""

import argparse
import json
import signal
import sys
import time

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaException, Producer
from confluent_kafka import TopicPartition

BATCH = 50
TRANSACTION_TIMEOUT_MS = 10000
TIMEOUT = 30.0
STARTED = time.time()


def say(event, **fields):
    fields["event"] = event
    fields["t"] = round(time.time() - STARTED, 3)
    fields["at"] = round(time.time(), 3)
    print(json.dumps(fields), flush=True)


def transform(msg):
    return msg.value(), b"T(" + msg.value() + b")"


class Transformer:

    def __init__(self, args):
        self.args = args
        self.stopping = False
        self.producer = Producer({
            "bootstrap.servers": args.bootstrap, "transactional.id": args.transactional_id,
            "transaction.timeout.ms": TRANSACTION_TIMEOUT_MS, "linger.ms": 5,
            "reconnect.backoff.ms": 20, "reconnect.backoff.max.ms": 200})
        consumer_conf = {
            "bootstrap.servers": args.bootstrap, "group.id": args.group,
            "enable.auto.commit": False, "auto.offset.reset": "earliest",
            "isolation.level": "read_committed", "session.timeout.ms": 6000,
            "heartbeat.interval.ms": 500, "reconnect.backoff.ms": 20,
            "reconnect.backoff.max.ms": 200}
        if args.instance_id:
            consumer_conf["group.instance.id"] = args.instance_id
        self.consumer = Consumer(consumer_conf)

    def run(self):
        # Before the consumer reads the group's offsets: this aborts (or completes) the
        # transaction the killed incarnation left open, offsets included.
        self.producer.init_transactions(TIMEOUT)
        # The output's metadata now rather than when the first record waits for it.
        self.producer.list_topics(self.args.output, TIMEOUT)
        self.consumer.subscribe([self.args.input], on_assign=self.on_assign)
        while not self.stopping:
            records = []
            for msg in self.consumer.consume(num_messages=BATCH, timeout=0.2):
                if msg.error():
                    raise KafkaException(msg.error())
                records.append(msg)
            if records:
                self.process(records)
        self.consumer.close()
        say("stopped")

    def on_assign(self, consumer, partitions):
        say("ready", partitions=sorted(p.partition for p in partitions))

    def process(self, records):
        positions = {}
        self.producer.begin_transaction()
        for msg in records:
            key, value = transform(msg)
            self.produce(key, value)
            positions[msg.partition()] = msg.offset() + 1
        time.sleep(self.args.process_delay)
        offsets = [TopicPartition(self.args.input, p, o) for p, o in sorted(positions.items())]
        try:
            self.producer.send_offsets_to_transaction(
                offsets, self.consumer.consumer_group_metadata(), TIMEOUT)
            say("committing", offsets=positions)
            time.sleep(self.args.commit_delay)
            self.commit()
        except KafkaException as e:
            if not e.args[0].txn_requires_abort():
                raise
            self.producer.abort_transaction(TIMEOUT)
            self.rewind(sorted(positions))
            say("abort", error=str(e.args[0]))
            return
        say("commit", records=len(records), offsets=positions)

    def produce(self, key, value):
        while True:
            try:
                self.producer.produce(self.args.output, key=key, value=value)
                return
            except BufferError:
                self.producer.poll(0.05)

    def commit(self):
        while True:
            try:
                self.producer.commit_transaction(TIMEOUT)
                return
            except KafkaException as e:
                if not e.args[0].retriable():
                    raise

    def rewind(self, partitions):
        """Back to the group's committed offsets: the aborted batch is read again."""
        committed = self.consumer.committed(
            [TopicPartition(self.args.input, p) for p in partitions], TIMEOUT)
        for tp in committed:
            if tp.error:
                raise KafkaException(tp.error)
            self.consumer.seek(TopicPartition(
                tp.topic, tp.partition, tp.offset if tp.offset >= 0 else OFFSET_BEGINNING))


def main():
    parser = argparse.ArgumentParser()
    for name in ("bootstrap", "input", "output", "group", "transactional_id"):
        parser.add_argument(name)
    parser.add_argument("--instance-id", dest="instance_id")
    parser.add_argument("--commit-delay", dest="commit_delay", type=float, default=0.0)
    parser.add_argument("--process-delay", dest="process_delay", type=float, default=0.0)
    transformer = Transformer(parser.parse_args())

    def stop(signum, frame):
        transformer.stopping = True

    signal.signal(signal.SIGTERM, stop)
    try:
        transformer.run()
    except KafkaException as e:
        say("failed", error=str(e.args[0]))
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
