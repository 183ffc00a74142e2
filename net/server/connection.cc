#include "net/server/connection.h"

#include <liburing.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <utility>

#include "net/server/peer_log.h"

namespace ringlog {

Connection::Connection(EventLoop* loop, UniqueFd socket, ConnectionInfo info,
                       const ServerOptions& options, RequestHandler* handler,
                       RequestMemoryPool* memory_pool)
    : loop_(loop),
      handler_(handler),
      options_(options),
      info_(std::move(info)),
      socket_(std::move(socket)),
      memory_(memory_pool, static_cast<uint64_t>(options.max_request_bytes),
              [loop, id = info_.id] { loop->Post([loop, id] { loop->OnMemoryRoom(id); }); }),
      decoder_(options.max_request_bytes, &memory_),
      writer_(loop, socket_.get(), options.zero_copy, &send_queue_, &send_done_) {}

Connection::~Connection() {
  CHECK(!started_ || state_ == State::kClosed) << "connection destroyed before it closed";
}

void Connection::Start() {
  started_ = true;
  handler_->OnConnectionOpened(info_);
  Pump();
}

void Connection::OnReply(uint64_t sequence, Reply reply) {
  // Logged whatever the state: why the handler wanted the connection closed matters even
  // when something else closed it first.
  if (reply.kind == Reply::Kind::kClose && !reply.reason.empty()) {
    LogPeerWarning(info_.peer, "closing connection " + std::to_string(info_.id) + " from " +
                                   info_.peer + ": " + reply.reason);
  }
  if (state_ != State::kOpen) return;
  replies_.Fill(sequence, std::move(reply));
  QueueReadyReplies();
  Pump();
}

void Connection::Close() {
  BeginClose();
  Pump();
}

void Connection::OnMemoryRoom() { Pump(); }

void Connection::Pump() {
  if (state_ == State::kOpen) DispatchFrames();
  if (state_ == State::kOpen || state_ == State::kDraining) {
    const Status kicked = writer_.Kick();
    if (!kicked.ok()) CloseOnError(kicked);
  }
  if (state_ == State::kOpen && !recv_in_flight_ && UnderBounds()) ArmRecv();
  if (state_ == State::kDraining && send_queue_.empty() && !writer_.busy()) BeginClose();
  if (state_ == State::kClosing && !recv_in_flight_ && !writer_.busy()) Finish();
}

bool Connection::UnderBounds() const {
  return replies_.pending() < static_cast<size_t>(options_.max_inflight_per_connection) &&
         send_queue_.queued_bytes() < options_.max_queued_bytes_per_connection;
}

void Connection::DispatchFrames() {
  while (state_ == State::kOpen && UnderBounds()) {
    Result<std::optional<FrameDecoder::Frame>> frame = decoder_.Next();
    if (!frame.ok()) {
      LogPeerWarning(info_.peer, "closing connection " + std::to_string(info_.id) + " from " +
                                     info_.peer + ": " + frame.status().ToString());
      BeginClose();
      return;
    }
    if (!frame->has_value()) return;
    if (handler_->NeedsLivePeer((*frame)->bytes) && PeerHungUp()) {
      // Its answer could not be delivered, and its sender's retry went elsewhere: acting
      // on this stale copy could undo what the retry did. Its lease goes back here.
      VLOG(1) << "connection " << info_.id << " from " << info_.peer
              << " closed by the peer: dropping a request it can no longer hear the answer to";
      continue;
    }
    const uint64_t sequence = replies_.Reserve();
    leases_.push_back(std::move((*frame)->lease));
    handler_->Handle(info_, std::move((*frame)->bytes), *loop_,
                     loop_->MakeReplyFn(info_.id, sequence));
  }
}

bool Connection::PeerHungUp() const {
  // POLLRDHUP reports the peer's FIN even while bytes sent before it are still unread.
  pollfd peer{.fd = socket_.get(), .events = POLLRDHUP, .revents = 0};
  return ::poll(&peer, 1, 0) == 1 && (peer.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
}

void Connection::QueueReadyReplies() {
  while (state_ == State::kOpen) {
    std::optional<Reply> reply = replies_.PopReady();
    if (!reply) return;
    leases_.pop_front();
    switch (reply->kind) {
      case Reply::Kind::kResponse:
        send_queue_.Push(std::move(reply->frame));
        break;
      case Reply::Kind::kNoResponse:
        break;
      case Reply::Kind::kClose:
        state_ = State::kDraining;
        break;
    }
  }
}

void Connection::ArmRecv() {
  const std::span<char> buffer = decoder_.ReadBuffer();
  // No room: the decoder waits for memory, and OnMemoryRoom or a reply brings it back here.
  if (buffer.empty()) return;
  io_uring_sqe* sqe = loop_->GetSqe();
  io_uring_prep_recv(sqe, socket_.get(), buffer.data(), buffer.size(), 0);
  loop_->Submit(sqe, &recv_done_);
  recv_in_flight_ = true;
}

void Connection::OnRecvDone(int32_t result) {
  recv_in_flight_ = false;
  if (state_ == State::kOpen) {
    if (result > 0) {
      decoder_.Commit(static_cast<size_t>(result));
    } else if (result == 0) {
      VLOG(1) << "connection " << info_.id << " from " << info_.peer << " closed by the peer";
      BeginClose();
    } else if (result != -EAGAIN && result != -EINTR) {
      CloseOnError(Status::IOError(std::string("recv: ") + std::strerror(-result), -result));
    }
  }
  Pump();
}

void Connection::OnSendDone(int32_t result) {
  const Status sent = writer_.OnComplete(result);
  if (!sent.ok() && (state_ == State::kOpen || state_ == State::kDraining)) CloseOnError(sent);
  Pump();
}

void Connection::CloseOnError(const Status& status) {
  // A peer that goes away mid-conversation is routine for a broker; anything else is not.
  const int err = status.err_no();
  if (err == ECONNRESET || err == EPIPE || err == ETIMEDOUT) {
    VLOG(1) << "connection " << info_.id << " from " << info_.peer << ": " << status.ToString();
  } else {
    LogPeerWarning(info_.peer, "closing connection " + std::to_string(info_.id) + " from " +
                                   info_.peer + ": " + status.ToString());
  }
  BeginClose();
}

void Connection::BeginClose() {
  if (state_ == State::kClosing || state_ == State::kClosed) return;
  state_ = State::kClosing;
  // Makes the kernel complete the receive and send still in the ring.
  ::shutdown(socket_.get(), SHUT_RDWR);
}

void Connection::Finish() {
  state_ = State::kClosed;
  socket_.Reset();
  // Nothing will be answered: the memory goes back at once.
  leases_.clear();
  handler_->OnConnectionClosed(info_);
  loop_->OnConnectionFinished(info_.id);
}

}  // namespace ringlog
