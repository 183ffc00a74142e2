#include "engine/log/segment.h"

#include <future>
#include <utility>

namespace ringlog {

Status Segment::AppendAndWait(const RecordBatchView& batch) {
  std::promise<Status> written;
  std::future<Status> outcome = written.get_future();
  RETURN_IF_ERROR(
      Append(batch, [&written](Status status) { written.set_value(std::move(status)); }));
  return outcome.get();
}

}  // namespace ringlog
