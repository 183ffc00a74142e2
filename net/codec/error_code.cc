#include "net/codec/error_code.h"

namespace ringlog {

ErrorCode ToErrorCode(const Status& status) {
  switch (status.code()) {
    case Status::Code::kOk:
      return ErrorCode::kNone;
    case Status::Code::kNotFound:
      return ErrorCode::kUnknownTopicOrPartition;
    case Status::Code::kOutOfRange:
      return ErrorCode::kOffsetOutOfRange;
    case Status::Code::kCorruption:
      return ErrorCode::kCorruptMessage;
    case Status::Code::kTooLarge:
      return ErrorCode::kMessageTooLarge;
    case Status::Code::kInvalidArgument:
      return ErrorCode::kInvalidRequest;
    case Status::Code::kAlreadyExists:
      return ErrorCode::kTopicAlreadyExists;
    case Status::Code::kNotSupported:
      return ErrorCode::kUnsupportedVersion;
    case Status::Code::kIOError:
      return ErrorCode::kKafkaStorageError;
    case Status::Code::kBusy:
      return ErrorCode::kRequestTimedOut;
    case Status::Code::kOutOfOrderSequence:
      return ErrorCode::kOutOfOrderSequenceNumber;
    case Status::Code::kInvalidProducerEpoch:
      return ErrorCode::kInvalidProducerEpoch;
    case Status::Code::kUnknownProducerId:
      return ErrorCode::kUnknownProducerId;
    case Status::Code::kTransactionCoordinatorFenced:
      return ErrorCode::kTransactionCoordinatorFenced;
    case Status::Code::kInvalidTxnState:
      return ErrorCode::kInvalidTxnState;
  }
  return ErrorCode::kUnknownServerError;
}

}  // namespace ringlog
