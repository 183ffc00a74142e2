#include "engine/status.h"

#include <cstring>

namespace ringlog {

std::string_view CodeName(Status::Code code) {
  switch (code) {
    case Status::Code::kOk:
      return "OK";
    case Status::Code::kNotFound:
      return "NotFound";
    case Status::Code::kCorruption:
      return "Corruption";
    case Status::Code::kIOError:
      return "IOError";
    case Status::Code::kInvalidArgument:
      return "InvalidArgument";
    case Status::Code::kOutOfRange:
      return "OutOfRange";
    case Status::Code::kNotSupported:
      return "NotSupported";
    case Status::Code::kBusy:
      return "Busy";
    case Status::Code::kAlreadyExists:
      return "AlreadyExists";
    case Status::Code::kTooLarge:
      return "TooLarge";
    case Status::Code::kOutOfOrderSequence:
      return "OutOfOrderSequence";
    case Status::Code::kInvalidProducerEpoch:
      return "InvalidProducerEpoch";
    case Status::Code::kUnknownProducerId:
      return "UnknownProducerId";
    case Status::Code::kTransactionCoordinatorFenced:
      return "TransactionCoordinatorFenced";
    case Status::Code::kInvalidTxnState:
      return "InvalidTxnState";
  }
  return "Unknown";
}

Status Status::IOError(std::string_view msg, int err_no) {
  if (err_no == 0) return Status(Code::kIOError, msg);
  std::string full(msg);
  full += ": ";
  full += std::strerror(err_no);
  return Status(Code::kIOError, full, err_no);
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string out(CodeName(code_));
  out += ": ";
  out += message_;
  return out;
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  std::string msg(context);
  msg += ": ";
  msg += message_;
  return Status(code_, msg, err_no_);
}

}  // namespace ringlog
