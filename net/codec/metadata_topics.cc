#include "net/codec/metadata_topics.h"

#include <utility>

namespace ringlog {

std::optional<std::vector<MetadataRequest::Topic>> AskedTopics(const MetadataRequest& request,
                                                               int16_t version) {
  if (version == 0 && request.topics && request.topics->empty()) return std::nullopt;
  return request.topics;
}

std::optional<std::vector<std::string>> AskedTopicNames(const MetadataRequest& request,
                                                        int16_t version) {
  std::optional<std::vector<MetadataRequest::Topic>> topics = AskedTopics(request, version);
  if (!topics) return std::nullopt;
  std::vector<std::string> names;
  for (const MetadataRequest::Topic& topic : *topics) {
    if (topic.name) names.push_back(*topic.name);
  }
  return names;
}

MetadataRequest MetadataRequestFor(std::optional<std::vector<std::string>> names) {
  MetadataRequest request;
  if (!names) return request;
  request.topics.emplace();
  for (std::string& name : *names) {
    MetadataRequest::Topic& topic = request.topics->emplace_back();
    topic.name = std::move(name);
  }
  return request;
}

}  // namespace ringlog
