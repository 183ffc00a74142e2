#include "engine/log/topic_limits.h"

#include <string>

namespace ringlog {
namespace {

constexpr size_t kMaxTopicNameLength = 249;

}  // namespace

Status ValidateTopicName(std::string_view name) {
  if (name.empty() || name.size() > kMaxTopicNameLength) {
    return Status::InvalidArgument("topic name must have 1 to " +
                                   std::to_string(kMaxTopicNameLength) + " characters");
  }
  if (name == "." || name == "..") return Status::InvalidArgument("topic name cannot be . or ..");
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) {
      return Status::InvalidArgument("topic name '" + std::string(name) +
                                     "' may only hold [a-zA-Z0-9._-]");
    }
  }
  return Status::OK();
}

Status ValidatePartitionCount(int32_t count) {
  if (count >= 1 && count <= kMaxPartitionsPerTopic) return Status::OK();
  return Status::InvalidArgument("partition count must be in [1, " +
                                 std::to_string(kMaxPartitionsPerTopic) + "], got " +
                                 std::to_string(count));
}

}  // namespace ringlog
