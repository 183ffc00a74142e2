// ReplyOrder: puts one connection's replies back into request order. Each request gets a
// sequence number when it is handed to the handler; its reply may arrive at any time, and
// comes out only after the replies of every earlier request came out.
//
//   Reserve() -> 0, 1, 2      Fill(2, c)  Fill(0, a)   PopReady() -> a, then nullopt
//                             Fill(1, b)               PopReady() -> b, c, then nullopt
//
// Thread safety: none; one connection's loop thread uses it.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>

#include "net/server/request_handler.h"

namespace ringlog {

class ReplyOrder {
 public:
  ReplyOrder() = default;
  ReplyOrder(const ReplyOrder&) = delete;
  ReplyOrder& operator=(const ReplyOrder&) = delete;

  // The sequence number of the next request.
  uint64_t Reserve();
  // Stores the reply to request `sequence`. A second reply to the same request is a bug in
  // the handler (ReplyFn is called exactly once) and fails a CHECK.
  void Fill(uint64_t sequence, Reply reply);
  // The reply to the oldest request still waiting, if it has arrived.
  std::optional<Reply> PopReady();

  // Requests handed out whose reply has not been popped yet.
  size_t pending() const { return slots_.size(); }

 private:
  // slots_[i] is the reply to request first_sequence_ + i, once it arrived.
  std::deque<std::optional<Reply>> slots_;
  uint64_t first_sequence_ = 0;
};

}  // namespace ringlog
