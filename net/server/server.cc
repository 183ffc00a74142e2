#include "net/server/server.h"

#include <algorithm>
#include <thread>
#include <utility>

#include "net/server/acceptor.h"
#include "net/server/event_loop.h"
#include "net/server/listener.h"
#include "net/server/request_memory_pool.h"
#include "net/server/unique_fd.h"
#include "net/server/uring_support.h"

namespace ringlog {

Server::Server(ServerOptions options, RequestHandler* handler)
    : options_(std::move(options)), handler_(handler) {}

Server::~Server() { Stop(); }

Status Server::Start() {
  CHECK(!running_ && loops_.empty()) << "Server::Start called twice";
  RETURN_IF_ERROR(ValidateServerOptions(options_));

  // The loops first and the listening socket last: the port accepts only once everything
  // that answers a connection runs, and a start that fails never listened, so no client
  // is ever accepted into a backlog that is then closed on it (a reset).
  const int num_loops = options_.num_loops > 0
                            ? options_.num_loops
                            : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  memory_pool_ = std::make_unique<RequestMemoryPool>(options_.queued_max_request_bytes);
  std::vector<std::unique_ptr<EventLoop>> loops;
  for (int i = 0; i < num_loops; ++i) {
    ASSIGN_OR_RETURN(std::unique_ptr<EventLoop> loop,
                     EventLoop::Create(&options_, handler_, memory_pool_.get()));
    loops.push_back(std::move(loop));
  }
  for (size_t i = 0; i < loops.size(); ++i) {
    const Status started = loops[i]->Start();
    if (!started.ok()) {
      StopLoops(std::span(loops).first(i));
      return started;
    }
  }
  Result<Listener> listener = OpenListener(options_.host, options_.port);
  if (!listener.ok()) {
    StopLoops(loops);
    return listener.status();
  }
  loops_ = std::move(loops);
  bound_port_ = listener->port;
  acceptor_ = std::make_unique<Acceptor>(
      loops_.front().get(), std::move(listener->socket),
      [this](UniqueFd socket, std::string peer) { HandOff(std::move(socket), std::move(peer)); });
  // Connections that come before the accept is armed wait in the listen backlog.
  loops_.front()->Post([acceptor = acceptor_.get()] { acceptor->Start(); });
  running_ = true;
  return Status::OK();
}

void Server::HandOff(UniqueFd socket, std::string peer) {
  ConnectionInfo info{next_connection_id_++, std::move(peer)};
  EventLoop* loop = loops_[next_loop_].get();
  next_loop_ = (next_loop_ + 1) % loops_.size();
  loop->AdoptConnection(std::move(socket), std::move(info));
}

void Server::Stop() {
  if (!running_) return;
  running_ = false;
  // Queued ahead of the accepting loop's stop, so no accept is left in its ring.
  loops_.front()->Post([acceptor = acceptor_.get()] { acceptor->Close(); });
  StopLoops(loops_);
  acceptor_.reset();
  loops_.clear();
}

void Server::StopLoops(std::span<const std::unique_ptr<EventLoop>> loops) {
  for (const auto& loop : loops) loop->RequestStop();
  for (const auto& loop : loops) loop->Join();
}

}  // namespace ringlog
