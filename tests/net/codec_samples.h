// The generated round trips (codec_samples.cc in the build tree, written by
// net/codec/gen_codec.py): for every message and every version it serves, a message with
// every field of that version away from its default is encoded, decoded and encoded again.
#pragma once

#include <cstdint>
#include <span>

#include "engine/status.h"

namespace ringlog::testing {

struct SampleRoundTrip {
  const char* name;  // "ProduceRequest"
  int16_t min_version;
  int16_t max_version;
  // OK when the decoded message equals the sample (where the message type is comparable),
  // the decoder consumed every byte, and re-encoding gives the same bytes.
  Status (*round_trip)(int16_t version);
};

std::span<const SampleRoundTrip> AllSampleRoundTrips();

}  // namespace ringlog::testing
