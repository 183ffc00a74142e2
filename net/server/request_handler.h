// The seam between the TCP server and the Kafka protocol layer. The server owns sockets,
// framing and ordering; a RequestHandler turns one request frame into one Reply, now or
// later, and may use its loop's executor for timers and deferred work.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "net/server/outbound_frame.h"

namespace ringlog {

struct ConnectionInfo {
  uint64_t id = 0;   // unique for the server's lifetime
  std::string peer;  // "host:port" of the client
};

// What to do with one request.
struct Reply {
  enum class Kind { kResponse, kNoResponse, kClose };
  Kind kind = Kind::kNoResponse;
  OutboundFrame frame;  // for kResponse: the bytes after the size prefix
  std::string reason;   // for kClose: why, for the broker log

  static Reply Response(OutboundFrame frame) {
    return Reply{Kind::kResponse, std::move(frame), {}};
  }
  // The request gets no response (acks=0 produce); later responses still go in order.
  static Reply None() { return Reply{Kind::kNoResponse, {}, {}}; }
  // Close the connection after the responses before this one are sent (malformed input).
  // A non-empty `reason` is logged as a warning about the peer (rate-limited per peer).
  static Reply Close(std::string reason = {}) { return Reply{Kind::kClose, {}, std::move(reason)}; }
};

// Delivers a request's Reply. Call exactly once, from any thread (a second call is a bug,
// caught by a CHECK while the connection is open). The server sends replies in request order per
// connection whatever order they complete in, and drops replies for connections that
// closed meanwhile. Safe to call at any time, even after the server stopped or was
// destroyed: the reply is then dropped (and its pins released) on the calling thread.
using ReplyFn = std::function<void(Reply)>;

// Services of the event loop a request arrived on. Valid until Server::Stop returns; work
// still posted or timed then is dropped without running.
class LoopExecutor {
 public:
  using TimerId = uint64_t;
  virtual ~LoopExecutor() = default;
  // Runs `fn` on the loop's thread soon. Thread-safe.
  virtual void Post(std::function<void()> fn) = 0;
  // Runs `fn` on the loop's thread after `delay` unless cancelled first. Loop thread only.
  virtual TimerId RunAfter(std::chrono::milliseconds delay, std::function<void()> fn) = 0;
  // Cancels a timer; a no-op when it already ran. Loop thread only.
  virtual void CancelTimer(TimerId id) = 0;
};

class RequestHandler {
 public:
  virtual ~RequestHandler() = default;
  // Called on the connection's loop thread for every whole request frame (the bytes after
  // the 4-byte size prefix) in arrival order. The handler owns `frame` and may modify it.
  // It must not block: the loop serves other connections too. Slow work goes elsewhere
  // and ends with a `reply` call.
  virtual void Handle(const ConnectionInfo& conn, std::string frame, LoopExecutor& loop,
                      ReplyFn reply) = 0;
  // True when `frame` is a request that must not be acted on once its sender has closed
  // the connection: a client that gave up on it retried elsewhere, and this copy may now
  // be out of order with the retry. The connection drops such a frame unanswered, instead
  // of calling Handle, when it sees the peer's close already. Called on the loop thread
  // before Handle; must be cheap, as every frame passes it.
  virtual bool NeedsLivePeer(std::string_view frame) const {
    (void)frame;
    return false;
  }
  // Called on the loop thread once a connection is gone (closed by the peer, by an error,
  // by Reply::Close, or by Server::Stop); replies still pending for it may be delivered or
  // not, they are dropped either way.
  virtual void OnConnectionClosed(const ConnectionInfo& conn) { (void)conn; }
  // Called on the loop thread when a connection starts being served.
  virtual void OnConnectionOpened(const ConnectionInfo& conn) { (void)conn; }
};

}  // namespace ringlog
