#include "engine/txn/txn_metadata.h"

#include <array>
#include <limits>

namespace ringlog {
namespace {

constexpr std::array<std::string_view, 8> kNames = {
    "Empty",          "Ongoing",       "PrepareCommit", "PrepareAbort",
    "CompleteCommit", "CompleteAbort", "Dead",          "PrepareEpochFence",
};

}  // namespace

std::string_view TxnStateName(TxnState state) { return kNames[static_cast<size_t>(state)]; }

std::optional<TxnState> ParseTxnStateName(std::string_view name) {
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<TxnState>(i);
  }
  return std::nullopt;
}

std::optional<TxnState> TxnStateFromId(int8_t id) {
  if (id < 0 || static_cast<size_t>(id) >= kNames.size()) return std::nullopt;
  return static_cast<TxnState>(id);
}

bool IsValidTxnTransition(TxnState from, TxnState to) {
  using enum TxnState;
  const bool idle = from == kEmpty || from == kCompleteCommit || from == kCompleteAbort;
  switch (to) {
    case kEmpty:
    case kDead:
      return idle;
    case kOngoing:
      return idle || from == kOngoing;
    case kPrepareCommit:
    case kPrepareEpochFence:
      return from == kOngoing;
    case kPrepareAbort:
      return from == kOngoing || from == kPrepareEpochFence;
    case kCompleteCommit:
      return from == kPrepareCommit;
    case kCompleteAbort:
      return from == kPrepareAbort;
  }
  return false;
}

bool IsProducerEpochExhausted(int16_t epoch) {
  return epoch >= std::numeric_limits<int16_t>::max() - 1;
}

}  // namespace ringlog
