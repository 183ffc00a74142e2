#include "net/apis/fetch_metrics.h"

namespace ringlog {

void CountFetchResponse(RequestMetrics* metrics, const FetchRequest& request,
                        const FetchResponse& response) {
  if (metrics == nullptr) return;
  constexpr auto kFetch = static_cast<int16_t>(ApiKey::kFetch);
  metrics->RecordError(kFetch, response.error_code);
  for (size_t i = 0; i < response.topics.size(); ++i) {
    const FetchResponse::Topic& topic = response.topics[i];
    // The response's topics follow the request's.
    const std::string& name =
        topic.topic.empty() && i < request.topics.size() ? request.topics[i].topic : topic.topic;
    uint64_t bytes = 0;
    for (const FetchResponse::Partition& p : topic.partitions) {
      metrics->RecordError(kFetch, p.error_code);
      bytes += p.records.size_bytes();
    }
    if (bytes > 0) metrics->RecordBytesOut(name, bytes);
  }
}

}  // namespace ringlog
