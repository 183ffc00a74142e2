// Status and Result<T>: how every ringlog module reports failure across its seams.
//
// A Status is either OK or carries a code and a human-readable message. OK is cheap to
// create and copy (no allocation). Result<T> holds a value or a non-OK Status. Both are
// [[nodiscard]]: an error is handled, returned, or dropped with an explicit IgnoreError().
// No ringlog code throws; a broken invariant is a bug and uses CHECK.
#pragma once

#include <glog/logging.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace ringlog {

class [[nodiscard]] Status {
 public:
  enum class Code : uint8_t {
    kOk = 0,
    kNotFound,
    kCorruption,       // stored or received bytes fail a checksum or format check
    kIOError,          // the medium failed; errno() says how when it is known
    kInvalidArgument,  // the caller asked for something malformed
    kOutOfRange,       // an offset below the log start or beyond the log end
    kNotSupported,
    kBusy,  // try again later (shutting down, resource taken)
    kAlreadyExists,
    kTooLarge,  // a batch or request above a configured size limit
    // An idempotent producer's batch that does not follow its last one (a sequence gap,
    // or a new epoch not starting at sequence 0).
    kOutOfOrderSequence,
    kInvalidProducerEpoch,  // from a producer epoch older than the partition knows
    kUnknownProducerId,     // a producer the partition has no state for, mid-sequence
    // A transaction marker from a coordinator epoch older than the producer's last marker's.
    kTransactionCoordinatorFenced,
    // A producer batch that its transaction's state forbids (Kafka's INVALID_TXN_STATE).
    kInvalidTxnState,
  };

  Status() noexcept = default;
  static Status OK() { return Status(); }
  static Status NotFound(std::string_view msg) { return Status(Code::kNotFound, msg); }
  static Status Corruption(std::string_view msg) { return Status(Code::kCorruption, msg); }
  static Status IOError(std::string_view msg, int err_no = 0);
  static Status InvalidArgument(std::string_view msg) {
    return Status(Code::kInvalidArgument, msg);
  }
  static Status OutOfRange(std::string_view msg) { return Status(Code::kOutOfRange, msg); }
  static Status NotSupported(std::string_view msg) { return Status(Code::kNotSupported, msg); }
  static Status Busy(std::string_view msg) { return Status(Code::kBusy, msg); }
  static Status AlreadyExists(std::string_view msg) { return Status(Code::kAlreadyExists, msg); }
  static Status TooLarge(std::string_view msg) { return Status(Code::kTooLarge, msg); }
  static Status OutOfOrderSequence(std::string_view msg) {
    return Status(Code::kOutOfOrderSequence, msg);
  }
  static Status InvalidProducerEpoch(std::string_view msg) {
    return Status(Code::kInvalidProducerEpoch, msg);
  }
  static Status UnknownProducerId(std::string_view msg) {
    return Status(Code::kUnknownProducerId, msg);
  }
  static Status TransactionCoordinatorFenced(std::string_view msg) {
    return Status(Code::kTransactionCoordinatorFenced, msg);
  }
  static Status InvalidTxnState(std::string_view msg) {
    return Status(Code::kInvalidTxnState, msg);
  }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  bool IsNotFound() const { return code_ == Code::kNotFound; }
  bool IsCorruption() const { return code_ == Code::kCorruption; }
  bool IsIOError() const { return code_ == Code::kIOError; }
  bool IsInvalidArgument() const { return code_ == Code::kInvalidArgument; }
  bool IsOutOfRange() const { return code_ == Code::kOutOfRange; }
  bool IsNotSupported() const { return code_ == Code::kNotSupported; }
  bool IsBusy() const { return code_ == Code::kBusy; }
  bool IsAlreadyExists() const { return code_ == Code::kAlreadyExists; }
  bool IsTooLarge() const { return code_ == Code::kTooLarge; }
  bool IsOutOfOrderSequence() const { return code_ == Code::kOutOfOrderSequence; }
  bool IsInvalidProducerEpoch() const { return code_ == Code::kInvalidProducerEpoch; }
  bool IsUnknownProducerId() const { return code_ == Code::kUnknownProducerId; }
  bool IsTransactionCoordinatorFenced() const {
    return code_ == Code::kTransactionCoordinatorFenced;
  }
  bool IsInvalidTxnState() const { return code_ == Code::kInvalidTxnState; }

  // The errno behind an IOError, or 0.
  int err_no() const { return err_no_; }
  const std::string& message() const { return message_; }
  // "OK" or "<Code name>: <message>".
  std::string ToString() const;

  // Returns a copy whose message is prefixed with `context` ("open segment 42: ...").
  Status WithContext(std::string_view context) const;

  // Drops the error on purpose; greppable so that every swallowed error is visible.
  void IgnoreError() const {}

  friend bool operator==(const Status& a, const Status& b) { return a.code_ == b.code_; }

 private:
  Status(Code code, std::string_view msg, int err_no = 0)
      : code_(code), err_no_(err_no), message_(msg) {}

  Code code_ = Code::kOk;
  int err_no_ = 0;
  std::string message_;
};

std::string_view CodeName(Status::Code code);

// Holds either a T or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}        // NOLINT: implicit by design
  Result(Status status) : state_(std::move(status)) {  // NOLINT: implicit by design
    CHECK(!std::get<Status>(state_).ok()) << "Result built from an OK Status";
  }

  bool ok() const { return std::holds_alternative<T>(state_); }
  // OK when a value is held.
  Status status() const { return ok() ? Status::OK() : std::get<Status>(state_); }

  T& value() & {
    CheckOk();
    return *std::get_if<T>(&state_);
  }
  const T& value() const& {
    CheckOk();
    return *std::get_if<T>(&state_);
  }
  T&& value() && {
    CheckOk();
    return std::move(*std::get_if<T>(&state_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  void IgnoreError() const {}

 private:
  // Small enough to inline on every access; the failure is out of line.
  void CheckOk() const {
    if (!ok()) [[unlikely]]
      DieNotOk();
  }
  [[noreturn, gnu::cold, gnu::noinline]] void DieNotOk() const {
    LOG(FATAL) << "value() of a failed Result: " << status().ToString();
  }

  std::variant<T, Status> state_;
};

}  // namespace ringlog

#define RINGLOG_CONCAT_INNER(a, b) a##b
#define RINGLOG_CONCAT(a, b) RINGLOG_CONCAT_INNER(a, b)

// Returns the Status of `expr` from the enclosing function when it is not OK.
#define RETURN_IF_ERROR(expr)                          \
  do {                                                 \
    ::ringlog::Status ringlog_status_ = (expr);        \
    if (!ringlog_status_.ok()) return ringlog_status_; \
  } while (0)

// `lhs` = the value of Result `rexpr`, or returns its Status from the enclosing function.
#define ASSIGN_OR_RETURN(lhs, rexpr) \
  ASSIGN_OR_RETURN_IMPL(RINGLOG_CONCAT(ringlog_result_, __LINE__), lhs, rexpr)
#define ASSIGN_OR_RETURN_IMPL(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                          \
  if (!tmp.ok()) return tmp.status();          \
  lhs = std::move(tmp).value()
