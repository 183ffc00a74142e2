#include "bench/harness/loadgen/rdkafka_handle.h"

namespace ringlog::bench {

Result<RdkafkaHandle> NewRdkafkaProducer(const std::map<std::string, std::string>& config,
                                         RdkafkaDeliveryCallback on_delivery, void* opaque) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char error[512];
  for (const auto& [key, value] : config) {
    if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), error, sizeof(error)) !=
        RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      return Status::InvalidArgument("librdkafka " + key + "=" + value + ": " + error);
    }
  }
  rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
  rd_kafka_conf_set_opaque(conf, opaque);
  // rd_kafka_new owns `conf` from here on, also when it fails.
  RdkafkaHandle rk(rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof(error)));
  if (rk == nullptr) return Status::InvalidArgument(std::string("rd_kafka_new: ") + error);
  return rk;
}

}  // namespace ringlog::bench
