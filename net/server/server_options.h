// ServerOptions: how the broker's TCP server listens, threads and bounds its connections.
// The defaults are Kafka's where Kafka has a setting of the same meaning.
#pragma once

#include <cstdint>
#include <string>

#include "engine/status.h"

namespace ringlog {

struct ServerOptions {
  // Address to listen on: a name or a literal; empty listens on every address.
  std::string host = "0.0.0.0";
  // 0 picks a free port; Server::bound_port() tells which.
  uint16_t port = 9092;
  // Event-loop threads; 0 means one per core.
  int num_loops = 0;
  // Largest request frame accepted (Kafka's socket.request.max.bytes); a bigger size prefix
  // closes the connection. Also what one connection's requests in flight may hold at once
  // (one request alone may hold more, see ConnectionMemory).
  int32_t max_request_bytes = 104857600;
  // Memory that requests in flight hold across all connections (Kafka's
  // queued.max.request.bytes): bodies as they arrive, then frames until their reply. Reading
  // pauses on connections that need more while it is full; one request at a time may pass
  // it (RequestMemoryPool), so the bound is this plus max_request_bytes.
  uint64_t queued_max_request_bytes = 512ull << 20;
  // Send file slices with splice (never through user space); off reads them into memory
  // first, so the two paths can be compared.
  bool zero_copy = true;
  // Requests of one connection handed to the handler and not yet answered; at the bound the
  // connection stops reading until replies go out.
  int max_inflight_per_connection = 100;
  // Response bytes queued on one connection; above it the connection stops reading too.
  uint64_t max_queued_bytes_per_connection = 64ull << 20;
};

// The smallest request memory pool: room for whole small requests (up to 64 KiB each)
// beside the bodies of large ones.
constexpr uint64_t kMinQueuedRequestBytes = 1 << 20;

// InvalidArgument naming the first option out of range.
Status ValidateServerOptions(const ServerOptions& options);

}  // namespace ringlog
