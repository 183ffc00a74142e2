// The requests the broker does not act on once their sender has closed the connection
// (RequestHandler::NeedsLivePeer): those that change a transaction, whose stale copies
// break transactions when they overtake the retry (Jepsen's Bufstream analysis).
//
// A client that times out a request closes the connection and retries on a new one, so the
// first copy can still be in the broker's receive buffer, or on its way, when the retry has
// been answered and the client has moved on. Kafka (before KIP-890 part 2's epoch per
// transaction) cannot tell such a copy from a fresh request: a delayed EndTxn of the last
// transaction commits or aborts the next one early, a delayed AddPartitionsToTxn or
// TxnOffsetCommit joins it, a delayed transactional Produce is appended to it, a delayed
// InitProducerId fences its own producer. When the connection it came on is known to be
// closed by the time it is read, nobody can hear its answer, so it is dropped: this closes
// the window whenever the close arrives before the request is read, not when it comes later.
//
// Thread safety: a pure function.
#pragma once

#include <string_view>

namespace ringlog {

// True for InitProducerId, AddPartitionsToTxn, AddOffsetsToTxn, EndTxn, TxnOffsetCommit,
// and a Produce (v3+) with a transactional id; false for every other request, and for a
// frame too short to tell (the handler refuses it).
bool NeedsLivePeer(std::string_view frame);

}  // namespace ringlog
