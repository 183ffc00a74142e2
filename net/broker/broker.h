// Broker: the Kafka protocol's front desk. For every request frame the server hands it, it
// reads the request header, finds the API in the API table, checks the version, and calls
// the API's handler with a RequestContext whose Responder answers on the connection.
//
// What it does with requests it cannot serve, as Kafka 3.x does:
//   - an unknown API key, or a header too short to read: closes the connection;
//   - an ApiVersions version above the served range: answers UNSUPPORTED_VERSION in the
//     version 0 layout with the served ApiVersions range (KIP-511), so the client retries;
//   - any other API at a version outside its range: closes the connection (Kafka's
//     SocketServer rejects a request whose version is not enabled as an invalid request);
//   - a body the handler cannot decode: the handler closes the connection.
// Each close leaves a warning naming the peer and the reason, rate-limited per peer
// (net/server/peer_log.h).
//
// Thread safety: Handle and OnConnectionClosed run on the connection's loop thread; one
// Broker serves every loop.
#pragma once

#include <string>
#include <string_view>

#include "net/broker/broker_services.h"
#include "net/server/request_handler.h"

namespace ringlog {

class Broker final : public RequestHandler {
 public:
  // `services` (and what it points to) must outlive the Broker and every request in flight.
  explicit Broker(BrokerServices* services) : services_(services) {}
  Broker(const Broker&) = delete;
  Broker& operator=(const Broker&) = delete;

  void Handle(const ConnectionInfo& conn, std::string frame, LoopExecutor& loop,
              ReplyFn reply) override;
  // The requests that change a transaction (net/apis/live_peer_requests.h).
  bool NeedsLivePeer(std::string_view frame) const override;
  // Ends the connection's long-polling fetches.
  void OnConnectionClosed(const ConnectionInfo& conn) override;
  void OnConnectionOpened(const ConnectionInfo& conn) override;

 private:
  BrokerServices* const services_;
};

}  // namespace ringlog
