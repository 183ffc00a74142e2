// The Kafka error code of each group-operation outcome (engine/group/group_types.h), and the
// other small translations the group API handlers share.
#pragma once

#include <cstdint>
#include <string>

#include "engine/group/group_types.h"
#include "net/codec/error_code.h"

namespace ringlog {

// GroupError -> the int16 error code Kafka sends for it.
int16_t GroupErrorCode(GroupError error);

// How DescribeGroups reports a member's host: "/" and the peer's address without its
// port, as Kafka does ("/127.0.0.1").
std::string ClientHost(const std::string& peer);

}  // namespace ringlog
