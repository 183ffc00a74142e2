// Fuzz target: one request frame (the bytes after the size prefix: request header, then
// body) through the broker's real dispatch — header, API table, version check, the API's
// decoder and handler — against a fresh in-memory broker. Nothing may crash, and the
// request must be answered exactly once (tests/fuzz/fuzz_broker.h).
#include <cstddef>
#include <cstdint>
#include <string>

#include "tests/fuzz/fuzz_broker.h"
#include "tests/fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  ringlog::fuzz::QuietLogging();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ringlog::fuzz::FuzzBroker broker;
  broker.Handle(std::string(reinterpret_cast<const char*>(data), size));
  return 0;
}
