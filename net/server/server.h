// Server: the broker's TCP front door. It listens on host:port, runs N event-loop threads
// (default one per core) that each drive their sockets with their own io_uring, frames
// requests, hands them to the RequestHandler, and writes the replies back in request order.
// No thread per connection: a connection lives on one loop for its whole life.
//
// Usage:
//   Server server(options, &handler);
//   RETURN_IF_ERROR(server.Start());
//   ... clients connect to server.bound_port() ...
//   server.Stop();  // also done by the destructor
//
// Thread safety: Start, Stop and the destructor must not run concurrently with each other,
// nor on an event-loop thread (a handler must not stop its own server); bound_port is
// thread-safe once Start returned.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "engine/status.h"
#include "net/server/request_handler.h"
#include "net/server/server_options.h"

namespace ringlog {

class Acceptor;
class EventLoop;
class RequestMemoryPool;
class UniqueFd;

class Server {
 public:
  // `handler` must outlive the server.
  Server(ServerOptions options, RequestHandler* handler);
  // Stops the server if it runs.
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Starts the loops, then binds and listens: the port accepts no connection before
  // everything that answers it runs, and a Start that fails never listened (a connection
  // taken into the backlog of a listener that then closes would be reset). InvalidArgument
  // for bad options; NotSupported when the kernel's io_uring lacks what the loops need;
  // IOError when the address cannot be bound (in use, not local, not resolvable). Call once.
  Status Start();
  // The port actually listened on (the chosen one when options.port was 0). 0 before Start.
  uint16_t bound_port() const { return bound_port_; }
  // The memory requests in flight hold; null before Start. Thread-safe.
  const RequestMemoryPool* request_memory() const { return memory_pool_.get(); }
  // Closes the listener and every connection, drops replies still pending (a ReplyFn
  // called later does nothing), and joins the loop threads; OnConnectionClosed runs for
  // each connection. Idempotent. The LoopExecutors handed to the handler are invalid after.
  void Stop();

 private:
  // On the accepting loop: gives the new connection an id and the next loop in turn.
  void HandOff(UniqueFd socket, std::string peer);
  // Stops the running loops and waits for their threads.
  static void StopLoops(std::span<const std::unique_ptr<EventLoop>> loops);

  const ServerOptions options_;
  RequestHandler* const handler_;
  uint16_t bound_port_ = 0;
  bool running_ = false;
  // Shared by the loops, so it outlives them.
  std::unique_ptr<RequestMemoryPool> memory_pool_;
  std::vector<std::unique_ptr<EventLoop>> loops_;
  std::unique_ptr<Acceptor> acceptor_;
  // Touched only by the accepting loop's thread.
  uint64_t next_connection_id_ = 1;
  size_t next_loop_ = 0;
};

}  // namespace ringlog
