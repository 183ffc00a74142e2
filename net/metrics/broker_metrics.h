// The broker's /metrics page: the counters RequestMetrics recorded while serving, and
// gauges read from the engine at scrape time — partitions' offsets and sizes, consumer
// groups' committed offsets, lag and state, the flusher's histograms, the cluster's view
// of replication and the controller, and the process's open file descriptors. Nothing here
// runs on the produce or fetch path.
//
// Names follow Prometheus' conventions (ringlog_..._total counters, _seconds and _bytes
// units); docs in README.md ("Metrics").
#pragma once

#include <string>

#include "net/broker/broker_services.h"
#include "net/metrics/request_metrics.h"

namespace ringlog {

// The text exposition of everything `services` (and `requests`, may be null) can tell.
// Thread-safe: reads only thread-safe interfaces.
std::string RenderBrokerMetrics(const BrokerServices& services, const RequestMetrics* requests);

}  // namespace ringlog
