#include "net/server/server_options.h"

#include <string>

namespace ringlog {

Status ValidateServerOptions(const ServerOptions& options) {
  if (options.num_loops < 0) return Status::InvalidArgument("num_loops must be >= 0");
  if (options.max_request_bytes < 0) {
    return Status::InvalidArgument("max_request_bytes must be >= 0");
  }
  if (options.queued_max_request_bytes < kMinQueuedRequestBytes) {
    return Status::InvalidArgument("queued_max_request_bytes must be at least " +
                                   std::to_string(kMinQueuedRequestBytes));
  }
  if (options.max_inflight_per_connection < 1) {
    return Status::InvalidArgument("max_inflight_per_connection must be >= 1");
  }
  if (options.max_queued_bytes_per_connection < 1) {
    return Status::InvalidArgument("max_queued_bytes_per_connection must be >= 1");
  }
  return Status::OK();
}

}  // namespace ringlog
