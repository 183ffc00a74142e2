#include "bench/harness/loadgen/produce_response_check.h"

#include <string>

#include "net/codec/produce_codec.h"
#include "net/codec/wire_reader.h"

namespace ringlog::bench {

Status CheckProduceResponse(std::span<const uint8_t> body) {
  WireReader reader(body);
  ASSIGN_OR_RETURN(const ProduceResponse response,
                   DecodeProduceResponse(reader, kLoadgenProduceVersion));
  for (const ProduceResponse::Topic& topic : response.topics) {
    for (const ProduceResponse::Partition& p : topic.partitions) {
      if (p.error_code != 0) {
        return Status::IOError("produce to " + topic.name + "-" + std::to_string(p.index) +
                               " failed with error code " + std::to_string(p.error_code));
      }
    }
  }
  return Status::OK();
}

}  // namespace ringlog::bench
