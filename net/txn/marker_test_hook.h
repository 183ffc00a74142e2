// A test-only fault for the crash tests of transactions
// (tests/integration/test_txn_broker_kill.py): a broker killed between a transaction's
// PrepareCommit/PrepareAbort and its CompleteCommit/CompleteAbort. Markers to partitions
// this broker leads are written in microseconds, too short a window to kill -9 into, so
// the test asks the marker writer to stop part-way.
//
// Inert unless the environment variable RINGLOG_TEST_TXN_MARKERS_LIMIT is set when the
// broker starts. Its value N (a non-negative integer) limits every marker request to its
// first N partitions in the request's order (the coordinator's requests list them sorted by
// topic and partition): those get their marker, the others never do, and the request is
// never reported done, so the coordinator never logs Complete*. The test kills the broker
// and restarts it without the variable; the coordinator then replays the Prepare* state
// and finishes the transaction. A value that is not a non-negative integer is ignored with
// a warning.
#pragma once

#include <cstddef>
#include <optional>

namespace ringlog {

inline constexpr char kTxnMarkersLimitVariable[] = "RINGLOG_TEST_TXN_MARKERS_LIMIT";

// N from the environment (logged as a warning when set), or nullopt: the hook is off.
std::optional<size_t> TxnMarkersLimitFromEnvironment();

}  // namespace ringlog
