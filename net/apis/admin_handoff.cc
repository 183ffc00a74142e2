#include "net/apis/admin_handoff.h"

#include <glog/logging.h>

#include <memory>
#include <utility>

#include "net/broker/admin_worker.h"

namespace ringlog {

void HandOffToAdmin(RequestContext& ctx, std::function<void(RequestContext&)> serve,
                    std::vector<std::string> pinned_topics) {
  AdminWorker* admin = ctx.services().admin;
  CHECK(admin != nullptr) << "the broker has no admin worker";
  std::shared_ptr<RequestContext> held = std::move(ctx).Detach();
  admin->Submit([held, serve = std::move(serve)] { serve(*held); }, std::move(pinned_topics));
}

}  // namespace ringlog
