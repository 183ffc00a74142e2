#include "net/apis/fetch_metrics.h"

namespace ringlog {

void CountFetchTraffic(RequestMetrics* metrics, const FetchRequest& request,
                       const FetchResponse& response) {
  if (metrics == nullptr) return;
  for (size_t i = 0; i < response.topics.size(); ++i) {
    const FetchResponse::Topic& topic = response.topics[i];
    // The response's topics follow the request's.
    const std::string& name =
        topic.topic.empty() && i < request.topics.size() ? request.topics[i].topic : topic.topic;
    uint64_t bytes = 0;
    uint64_t records = 0;
    for (const FetchResponse::Partition& p : topic.partitions) {
      if (p.records.empty()) continue;
      bytes += p.records.size_bytes();
      // Whole batches: every offset from the first batch's base to the last one's end.
      records += static_cast<uint64_t>(p.records.next_offset - p.records.first_offset);
    }
    if (bytes > 0) metrics->RecordBytesOut(name, bytes, records);
  }
}

}  // namespace ringlog
