/* The client-side trace behind the README's "outside the broker" figures: one librdkafka
 * transactional (or, with IDEM=1, idempotent) producer writing N transactions of 1,000
 * records of 100 B to TOPIC, printing its rate; with a third argument it also prints, to
 * stderr, each request sent and answer received (librdkafka's debug=protocol) and each
 * commit_transaction call and return, with millisecond timestamps from the start.
 *
 *   gcc -O2 -o txn_trace txn_trace.c -lrdkafka
 *   N=300 ./txn_trace 127.0.0.1:9092 TOPIC [trace] 2>trace.log
 */
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double start_ms;

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static void on_log(const rd_kafka_t *rk, int level, const char *facility, const char *text) {
  (void)rk;
  (void)level;
  if (strstr(text, "Sent") || strstr(text, "Received"))
    fprintf(stderr, "%9.3f %s %s\n", now_ms() - start_ms, facility, text);
}

/* A delivery callback: without one, librdkafka's flush waits in 10 ms polls. */
static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
  (void)rk;
  (void)m;
  (void)opaque;
}

static void set(rd_kafka_conf_t *conf, const char *name, const char *value) {
  char error[512];
  if (rd_kafka_conf_set(conf, name, value, error, sizeof(error)) != RD_KAFKA_CONF_OK) {
    fprintf(stderr, "%s: %s\n", name, error);
    exit(2);
  }
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s BOOTSTRAP TOPIC [trace]\n", argv[0]);
    return 2;
  }
  const int idempotent = getenv("IDEM") != NULL;
  const int trace = argc > 3;
  const int n = getenv("N") ? atoi(getenv("N")) : 300;
  char id[32];
  snprintf(id, sizeof(id), "txn-trace-%d", (int)getpid());
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  set(conf, "bootstrap.servers", argv[1]);
  set(conf, "acks", "all");
  set(conf, "linger.ms", "5");
  set(conf, "max.in.flight", "5");
  if (idempotent) {
    set(conf, "enable.idempotence", "true");
  } else {
    set(conf, "transactional.id", id);
  }
  rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
  if (trace) {
    set(conf, "debug", "protocol");
    rd_kafka_conf_set_log_cb(conf, on_log);
  }
  char error[512];
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof(error));
  if (rk == NULL) {
    fprintf(stderr, "%s\n", error);
    return 1;
  }
  rd_kafka_topic_t *topic = rd_kafka_topic_new(rk, argv[2], NULL);
  rd_kafka_error_t *e;
  if (!idempotent && (e = rd_kafka_init_transactions(rk, 60000)) != NULL) {
    fprintf(stderr, "init_transactions: %s\n", rd_kafka_error_string(e));
    return 1;
  }
  char value[100];
  memset(value, 't', sizeof(value));
  start_ms = now_ms();
  double committing = 0;
  for (int i = 0; i < n; i++) {
    if (!idempotent) rd_kafka_begin_transaction(rk);
    for (int j = 0; j < 1000; j++) {
      while (rd_kafka_produce(topic, RD_KAFKA_PARTITION_UA, 0, value, sizeof(value), NULL, 0,
                              NULL) != 0)
        rd_kafka_poll(rk, 1);
    }
    rd_kafka_poll(rk, 0);
    const double commit = now_ms();
    if (trace) fprintf(stderr, "%9.3f commit\n", commit - start_ms);
    if (idempotent) {
      rd_kafka_flush(rk, 60000);
    } else if ((e = rd_kafka_commit_transaction(rk, 60000)) != NULL) {
      fprintf(stderr, "commit_transaction: %s\n", rd_kafka_error_string(e));
      return 1;
    }
    committing += now_ms() - commit;
    if (trace) fprintf(stderr, "%9.3f committed\n", now_ms() - start_ms);
  }
  const double elapsed = now_ms() - start_ms;
  printf("%.0f records/s, %.3f ms per transaction, %.3f ms of it committing\n",
         n * 1000 / elapsed * 1e3, elapsed / n, committing / n);
  rd_kafka_topic_destroy(topic);
  rd_kafka_destroy(rk);
  return 0;
}
