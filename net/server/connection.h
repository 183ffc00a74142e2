// Connection: one client socket on one event loop, from accept to close. It reads request
// frames, hands them to the RequestHandler in arrival order, puts the replies back in
// request order whatever order they complete in, and writes them out.
//
//   kOpen ──Reply::Close──> kDraining ──sent all before it──> kClosing ──no op in ring──> kClosed
//     └──────────── EOF, socket error, bad frame, server stop ───────^
//
//   kOpen      reads, hands out requests and queues replies, while under both bounds:
//              requests awaiting a reply < max_inflight_per_connection, and queued response
//              bytes < max_queued_bytes_per_connection. Over either, it stops reading (the
//              peer's TCP window fills) until replies go out. It also stops while the
//              request memory it needs is refused (ConnectionMemory: its own bound, or the
//              server's pool), until its replies go out or the pool has room again.
//   kDraining  a Close reply came up in order: nothing more is read or handed out; the
//              replies queued before it are sent.
//   kClosing   the socket is shut down, which makes the kernel finish the receive and send
//              still in the ring; nothing new starts.
//   kClosed    the socket is closed, the handler told, and the loop destroys the object.
//
// Every event (a receive, a send, a reply) updates the state and then calls Pump(), the one
// place that decides what to start next.
//
// A request the handler marks NeedsLivePeer is dropped unanswered, instead of handed out,
// when the peer has already closed its end (the bytes before the close are still read).
//
// Each request holds its memory (a ConnectionMemory::Lease) from its first byte until its
// reply comes up in order; then the memory goes back to the pool.
//
// Lifetime: the loop owns the Connection and destroys it only in kClosed, when no buffer
// of it is still in the kernel's hands. Replies and wake-ups from the memory pool find it
// through the loop by connection id, never by pointer, so one that arrives after it is
// gone is dropped.
//
// Thread safety: none; everything runs on the loop's thread.
#pragma once

#include <cstdint>
#include <deque>

#include "engine/status.h"
#include "net/server/connection_memory.h"
#include "net/server/event_loop.h"
#include "net/server/frame_decoder.h"
#include "net/server/io_completion.h"
#include "net/server/reply_order.h"
#include "net/server/request_handler.h"
#include "net/server/response_writer.h"
#include "net/server/send_queue.h"
#include "net/server/server_options.h"
#include "net/server/unique_fd.h"

namespace ringlog {

class Connection {
 public:
  // `loop`, `options`, `handler` and `memory_pool` must outlive the connection.
  Connection(EventLoop* loop, UniqueFd socket, ConnectionInfo info, const ServerOptions& options,
             RequestHandler* handler, RequestMemoryPool* memory_pool);
  // REQUIRES: kClosed, or never started.
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Starts reading requests.
  void Start();
  // The reply to request `sequence` arrived. Dropped unless the connection is open.
  void OnReply(uint64_t sequence, Reply reply);
  // Closes now, dropping whatever was not sent (server stop).
  void Close();
  // The request memory pool has room again: try what was refused.
  void OnMemoryRoom();

 private:
  enum class State : uint8_t { kOpen, kDraining, kClosing, kClosed };

  void Pump();
  void DispatchFrames();
  void QueueReadyReplies();
  bool UnderBounds() const;
  // True when the peer has closed (or reset) its end, even with bytes still unread.
  bool PeerHungUp() const;
  void ArmRecv();
  void OnRecvDone(int32_t result);
  void OnSendDone(int32_t result);
  // Logs why a connection that failed is closed, then closes it.
  void CloseOnError(const Status& status);
  void BeginClose();
  void Finish();

  EventLoop* const loop_;
  RequestHandler* const handler_;
  const ServerOptions& options_;
  const ConnectionInfo info_;
  UniqueFd socket_;
  State state_ = State::kOpen;
  bool started_ = false;
  bool recv_in_flight_ = false;

  // Before everything that holds a lease of it.
  ConnectionMemory memory_;
  FrameDecoder decoder_;
  ReplyOrder replies_;
  // The memory of each request handed out whose reply has not come up, in request order.
  std::deque<ConnectionMemory::Lease> leases_;
  SendQueue send_queue_;
  MemberCompletion<Connection, &Connection::OnRecvDone> recv_done_{this};
  MemberCompletion<Connection, &Connection::OnSendDone> send_done_{this};
  ResponseWriter writer_;
};

}  // namespace ringlog
