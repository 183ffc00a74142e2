// TxnErrorCode: each transaction-coordinator outcome as the Kafka error code of the
// request's version — PRODUCER_FENCED and TRANSACTION_ABORTABLE only from the versions that
// added them, the codes older clients know before.
#include "net/apis/txn_error_code.h"

#include <gtest/gtest.h>

#include "net/codec/error_code.h"

namespace ringlog::testing {
namespace {

int16_t Code(ErrorCode code) { return ToWire(code); }

TEST(TxnErrorCodeTest, ProducerFencedIsInvalidProducerEpochBeforeTheVersionThatAddedIt) {
  EXPECT_EQ(TxnErrorCode(TxnError::kProducerFenced, ApiKey::kInitProducerId, 3),
            Code(ErrorCode::kInvalidProducerEpoch));
  EXPECT_EQ(TxnErrorCode(TxnError::kProducerFenced, ApiKey::kInitProducerId, 4),
            Code(ErrorCode::kProducerFenced));
  for (ApiKey api : {ApiKey::kAddPartitionsToTxn, ApiKey::kAddOffsetsToTxn, ApiKey::kEndTxn}) {
    EXPECT_EQ(TxnErrorCode(TxnError::kProducerFenced, api, 1),
              Code(ErrorCode::kInvalidProducerEpoch));
    EXPECT_EQ(TxnErrorCode(TxnError::kProducerFenced, api, 2), Code(ErrorCode::kProducerFenced));
  }
}

TEST(TxnErrorCodeTest, TransactionAbortableIsInvalidTxnStateBeforeTheVersionThatAddedIt) {
  EXPECT_EQ(TxnErrorCode(TxnError::kTransactionAbortable, ApiKey::kAddPartitionsToTxn, 4),
            Code(ErrorCode::kInvalidTxnState));
  EXPECT_EQ(TxnErrorCode(TxnError::kTransactionAbortable, ApiKey::kAddPartitionsToTxn, 5),
            Code(ErrorCode::kTransactionAbortable));
  EXPECT_EQ(TxnErrorCode(TxnError::kTransactionAbortable, ApiKey::kEndTxn, 3),
            Code(ErrorCode::kInvalidTxnState));
  EXPECT_EQ(TxnErrorCode(TxnError::kTransactionAbortable, ApiKey::kEndTxn, 4),
            Code(ErrorCode::kTransactionAbortable));
}

TEST(TxnErrorCodeTest, TheOtherErrorsAreTheCodesOfTheirNames) {
  const ApiKey api = ApiKey::kEndTxn;
  EXPECT_EQ(TxnErrorCode(TxnError::kNone, api, 0), Code(ErrorCode::kNone));
  EXPECT_EQ(TxnErrorCode(TxnError::kInvalidRequest, api, 0), Code(ErrorCode::kInvalidRequest));
  EXPECT_EQ(TxnErrorCode(TxnError::kNotCoordinator, api, 0), 16);
  EXPECT_EQ(TxnErrorCode(TxnError::kCoordinatorLoadInProgress, api, 0), 14);
  EXPECT_EQ(TxnErrorCode(TxnError::kCoordinatorNotAvailable, api, 0), 15);
  EXPECT_EQ(TxnErrorCode(TxnError::kConcurrentTransactions, api, 0), 51);
  EXPECT_EQ(TxnErrorCode(TxnError::kInvalidProducerIdMapping, api, 0), 49);
  EXPECT_EQ(TxnErrorCode(TxnError::kInvalidTxnState, api, 0), 48);
  EXPECT_EQ(TxnErrorCode(TxnError::kInvalidTransactionTimeout, ApiKey::kInitProducerId, 0), 50);
  EXPECT_EQ(TxnErrorCode(TxnError::kTransactionalIdNotFound, ApiKey::kDescribeTransactions, 0),
            105);
}

}  // namespace
}  // namespace ringlog::testing
