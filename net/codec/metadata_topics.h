// What a Metadata request's topic list means, which the versions spell differently: every
// topic is an empty array at v0 (which has no null) and a null array from v1, where an
// empty array asks for none. From v10 a topic may be named by id alone.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "net/codec/metadata_codec.h"

namespace ringlog {

// The topics asked for, or nullopt for every topic.
std::optional<std::vector<MetadataRequest::Topic>> AskedTopics(const MetadataRequest& request,
                                                               int16_t version);

// The names among AskedTopics (topics asked for by id alone are left out); nullopt for
// every topic.
std::optional<std::vector<std::string>> AskedTopicNames(const MetadataRequest& request,
                                                        int16_t version);

// A request for these topics by name (nullopt: every topic), as clients build it.
MetadataRequest MetadataRequestFor(std::optional<std::vector<std::string>> names);

}  // namespace ringlog
