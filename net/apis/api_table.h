// The one list of the APIs this broker serves. The Broker dispatches through it and the
// ApiVersions response is generated from it, so what is advertised is what is served.
//
// Every API is advertised from version 0, as Kafka 3.x does: librdkafka silently turns
// compression off when Produce does not start at 0, and passes a fixed maximum of 0 for
// several APIs. Versions the handlers cannot store or serve (old message formats) are
// refused per partition with an error code, not by the advertised range. The ranges come
// from the message definitions (net/codec/messages/*.msg): each API is served up to the
// newest version its definition knows, flexible versions included.
#pragma once

#include <cstdint>
#include <span>

#include "net/apis/api_spec.h"

namespace ringlog {

// Sorted by API key. Thread-safe (immutable).
std::span<const ApiSpec> ServedApis();

// The spec of API `key`, or nullptr when the broker does not serve it.
const ApiSpec* FindApi(int16_t key);

}  // namespace ringlog
