// IoCompletion: what an io_uring submission reports back to. Every SQE an EventLoop
// submits carries a pointer to one of these as its user_data; the loop calls it once with
// the CQE's result (bytes moved, or -errno). The object must stay alive until then, which
// is why each owner (connection, acceptor, loop) holds its completions as members and
// outlives its operations.
#pragma once

#include <cstdint>

namespace ringlog {

class IoCompletion {
 public:
  virtual void OnIoComplete(int32_t result) = 0;

 protected:
  ~IoCompletion() = default;
};

// Forwards a completion to a member function: `MemberCompletion<Conn, &Conn::OnRecv>`.
template <typename T, void (T::*Method)(int32_t)>
class MemberCompletion final : public IoCompletion {
 public:
  explicit MemberCompletion(T* owner) : owner_(owner) {}
  void OnIoComplete(int32_t result) override { (owner_->*Method)(result); }

 private:
  T* const owner_;
};

}  // namespace ringlog
