// A loopback TCP port for a child server of the load generator (a broker, ZooKeeper).
#pragma once

#include "engine/status.h"

namespace ringlog::bench {

// A loopback port nobody listens on right now (the kernel's pick for port 0). Another
// process could take it before the child binds it; starting the child then fails, which
// the caller reports.
Result<int> FreeLoopbackPort();

}  // namespace ringlog::bench
