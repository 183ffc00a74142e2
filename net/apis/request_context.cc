#include "net/apis/request_context.h"

#include <glog/logging.h>

namespace ringlog {

std::shared_ptr<RequestContext> RequestContext::Detach() && {
  CHECK(!detached_conn_) << "a request is detached once";
  auto held = std::make_shared<RequestContext>(std::move(*this));
  held->detached_conn_ = *held->conn_;
  held->conn_ = &*held->detached_conn_;
  held->loop_ = nullptr;
  return held;
}

LoopExecutor& RequestContext::loop() const {
  CHECK(loop_ != nullptr) << "the event loop is not reachable from a detached request";
  return *loop_;
}

}  // namespace ringlog
