#include "net/server/reply_order.h"

#include <glog/logging.h>

#include <utility>

namespace ringlog {

uint64_t ReplyOrder::Reserve() {
  slots_.emplace_back();
  return first_sequence_ + slots_.size() - 1;
}

void ReplyOrder::Fill(uint64_t sequence, Reply reply) {
  CHECK_GE(sequence, first_sequence_) << "reply to a request that was already answered";
  CHECK_LT(sequence - first_sequence_, slots_.size()) << "reply to a request never made";
  std::optional<Reply>& slot = slots_[sequence - first_sequence_];
  CHECK(!slot.has_value()) << "two replies to request " << sequence;
  slot = std::move(reply);
}

std::optional<Reply> ReplyOrder::PopReady() {
  if (slots_.empty() || !slots_.front().has_value()) return std::nullopt;
  std::optional<Reply> reply = std::move(slots_.front());
  slots_.pop_front();
  ++first_sequence_;
  return reply;
}

}  // namespace ringlog
