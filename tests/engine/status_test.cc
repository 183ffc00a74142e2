#include "engine/status.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <memory>
#include <string>

namespace ringlog {
namespace {

TEST(StatusTest, DefaultIsOk) {
  const Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.code(), Status::Code::kOk);
  EXPECT_EQ(s.ToString(), "OK");
  EXPECT_TRUE(Status::OK().ok());
  EXPECT_EQ(s.err_no(), 0);
}

TEST(StatusTest, EachFactorySetsItsCodeAndPredicate) {
  struct Case {
    Status status;
    Status::Code code;
    bool (Status::*is)() const;
    const char* name;
  };
  const Case cases[] = {
      {Status::NotFound("m"), Status::Code::kNotFound, &Status::IsNotFound, "NotFound"},
      {Status::Corruption("m"), Status::Code::kCorruption, &Status::IsCorruption, "Corruption"},
      {Status::IOError("m"), Status::Code::kIOError, &Status::IsIOError, "IOError"},
      {Status::InvalidArgument("m"), Status::Code::kInvalidArgument, &Status::IsInvalidArgument,
       "InvalidArgument"},
      {Status::OutOfRange("m"), Status::Code::kOutOfRange, &Status::IsOutOfRange, "OutOfRange"},
      {Status::NotSupported("m"), Status::Code::kNotSupported, &Status::IsNotSupported,
       "NotSupported"},
      {Status::Busy("m"), Status::Code::kBusy, &Status::IsBusy, "Busy"},
      {Status::AlreadyExists("m"), Status::Code::kAlreadyExists, &Status::IsAlreadyExists,
       "AlreadyExists"},
      {Status::TooLarge("m"), Status::Code::kTooLarge, &Status::IsTooLarge, "TooLarge"},
      {Status::OutOfOrderSequence("m"), Status::Code::kOutOfOrderSequence,
       &Status::IsOutOfOrderSequence, "OutOfOrderSequence"},
      {Status::InvalidProducerEpoch("m"), Status::Code::kInvalidProducerEpoch,
       &Status::IsInvalidProducerEpoch, "InvalidProducerEpoch"},
      {Status::UnknownProducerId("m"), Status::Code::kUnknownProducerId,
       &Status::IsUnknownProducerId, "UnknownProducerId"},
      {Status::TransactionCoordinatorFenced("m"), Status::Code::kTransactionCoordinatorFenced,
       &Status::IsTransactionCoordinatorFenced, "TransactionCoordinatorFenced"},
  };
  for (const Case& c : cases) {
    EXPECT_FALSE(c.status.ok()) << c.name;
    EXPECT_EQ(c.status.code(), c.code) << c.name;
    EXPECT_TRUE((c.status.*c.is)()) << c.name;
    EXPECT_EQ(CodeName(c.code), c.name);
    EXPECT_EQ(c.status.ToString(), std::string(c.name) + ": m");
    EXPECT_EQ(c.status.message(), "m");
    // Exactly one predicate holds.
    int holding = 0;
    for (const Case& other : cases) holding += (c.status.*other.is)() ? 1 : 0;
    EXPECT_EQ(holding, 1) << c.name;
  }
}

TEST(StatusTest, IOErrorCarriesErrno) {
  const Status s = Status::IOError("open /x", ENOENT);
  EXPECT_TRUE(s.IsIOError());
  EXPECT_EQ(s.err_no(), ENOENT);
  EXPECT_NE(s.message().find("open /x"), std::string::npos);
  EXPECT_NE(s.message().find("No such file"), std::string::npos) << s.message();
}

TEST(StatusTest, WithContextPrefixesAndKeepsCode) {
  const Status s = Status::IOError("write", EIO).WithContext("segment 42");
  EXPECT_TRUE(s.IsIOError());
  EXPECT_EQ(s.err_no(), EIO);
  EXPECT_EQ(s.message().rfind("segment 42: write", 0), 0u) << s.message();
  EXPECT_TRUE(Status::OK().WithContext("anything").ok());
}

TEST(StatusTest, EqualityComparesCodes) {
  EXPECT_EQ(Status::NotFound("a"), Status::NotFound("b"));
  EXPECT_FALSE(Status::NotFound("a") == Status::Corruption("a"));
  EXPECT_EQ(Status::OK(), Status());
}

Result<int> Half(int v) {
  if (v % 2 != 0) return Status::InvalidArgument("odd");
  return v / 2;
}

Result<int> Quarter(int v) {
  ASSIGN_OR_RETURN(int h, Half(v));
  ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

Status CheckEven(int v) {
  RETURN_IF_ERROR(Half(v).status());
  return Status::OK();
}

TEST(ResultTest, HoldsValueOrStatus) {
  Result<int> good = Half(8);
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 4);
  EXPECT_EQ(good.value(), 4);
  EXPECT_TRUE(good.status().ok());

  Result<int> bad = Half(3);
  EXPECT_FALSE(bad.ok());
  EXPECT_TRUE(bad.status().IsInvalidArgument());
}

TEST(ResultTest, MacrosPropagateErrors) {
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_TRUE(Quarter(6).status().IsInvalidArgument());  // 6 -> 3 -> odd
  EXPECT_TRUE(CheckEven(4).ok());
  EXPECT_TRUE(CheckEven(5).IsInvalidArgument());
}

TEST(ResultTest, MoveOnlyValues) {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(7);
  ASSERT_TRUE(r.ok());
  std::unique_ptr<int> p = std::move(r).value();
  EXPECT_EQ(*p, 7);
}

TEST(ResultDeathTest, ValueOfErrorIsABug) {
  Result<int> bad = Status::NotFound("gone");
  EXPECT_DEATH((void)bad.value(), "gone");
}

TEST(ResultDeathTest, BuiltFromOkStatusIsABug) {
  EXPECT_DEATH({ Result<int> r{Status::OK()}; }, "OK Status");
}

}  // namespace
}  // namespace ringlog
