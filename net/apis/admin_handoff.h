// How a handler moves a request off its event loop onto the broker's admin worker
// (net/broker/admin_worker.h): topic creation, deletion, growth and config changes, and
// requests that must wait for a topic to be auto-created.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "net/apis/request_context.h"

namespace ringlog {

// Detaches `ctx` and runs `serve` with it on the admin worker, after every task handed
// there before; `serve` answers through the context's Responder. `pinned_topics` stay
// pinned until `serve` returned (AdminWorker::Submit). REQUIRES: ctx.services().admin.
void HandOffToAdmin(RequestContext& ctx, std::function<void(RequestContext&)> serve,
                    std::vector<std::string> pinned_topics = {});

}  // namespace ringlog
