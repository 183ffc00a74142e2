// One process per data directory: the lock refuses a second claim and names the holder's
// pid, goes when its owner goes (the backend, or the process, however it ends), and is
// taken before anything in the directory is read.
#include "backends/data_dir_lock.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "backends/backend_factory.h"
#include "backends/data_dir.h"
#include "engine/log/format.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_backends.h"

namespace ringlog::testing {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string PidText(pid_t pid) { return "pid " + std::to_string(pid); }

TEST(DataDirLockTest, SecondClaimIsBusyNamingTheDirAndTheHolder) {
  TempDir dir;
  Result<DataDirLock> first = DataDirLock::Acquire(dir.path());
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(ReadFile(dir.Sub(std::string(kDataDirLockFile))), std::to_string(::getpid()) + "\n");

  Result<DataDirLock> second = DataDirLock::Acquire(dir.path());
  ASSERT_TRUE(second.status().IsBusy()) << second.status().ToString();
  EXPECT_NE(second.status().message().find(dir.path()), std::string::npos);
  EXPECT_NE(second.status().message().find(PidText(::getpid())), std::string::npos)
      << second.status().ToString();
}

TEST(DataDirLockTest, ReleasedWhenTheOwnerIsDestroyed) {
  TempDir dir;
  {
    Result<DataDirLock> first = DataDirLock::Acquire(dir.path());
    ASSERT_TRUE(first.ok()) << first.status().ToString();
    DataDirLock moved = std::move(first).value();
    EXPECT_TRUE(DataDirLock::Acquire(dir.path()).status().IsBusy());
  }
  EXPECT_TRUE(DataDirLock::Acquire(dir.path()).ok());
}

TEST(DataDirLockTest, MissingDirectoryIsIOError) {
  TempDir dir;
  EXPECT_TRUE(DataDirLock::Acquire(dir.Sub("missing")).status().IsIOError());
}

// A holder in another process is named by its pid, and its lock goes with it, also when it
// is killed with SIGKILL.
TEST(DataDirLockTest, AnotherProcessHoldsItUntilItDies) {
  TempDir dir;
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(ready[0]);
    Result<DataDirLock> held = DataDirLock::Acquire(dir.path());
    const char byte = held.ok() ? 1 : 0;
    if (::write(ready[1], &byte, 1) != 1 || !held.ok()) ::_exit(1);
    ::pause();
    ::_exit(0);
  }
  ::close(ready[1]);
  char byte = 0;
  ASSERT_EQ(::read(ready[0], &byte, 1), 1);
  ::close(ready[0]);
  ASSERT_EQ(byte, 1) << "the child could not lock";

  Result<DataDirLock> refused = DataDirLock::Acquire(dir.path());
  EXPECT_TRUE(refused.status().IsBusy()) << refused.status().ToString();
  EXPECT_NE(refused.status().message().find(PidText(child)), std::string::npos)
      << refused.status().ToString();

  ::kill(child, SIGKILL);
  int wait_status = 0;
  ASSERT_EQ(::waitpid(child, &wait_status, 0), child);
  EXPECT_TRUE(DataDirLock::Acquire(dir.path()).ok());
}

class BackendDataDirLockTest : public ::testing::TestWithParam<std::string> {};

// Today's failure: a second uring backend on a directory in use opened and wrote the same
// segment files (RocksDB refused through its own LOCK, but only after reading the dir).
TEST_P(BackendDataDirLockTest, SecondBackendOnTheDirectoryIsRefusedUntilTheFirstGoes) {
  TempDir dir;
  Result<std::unique_ptr<StorageBackend>> first = OpenBackend(GetParam(), {dir.path()});
  ASSERT_TRUE(first.ok()) << first.status().ToString();

  Result<std::unique_ptr<StorageBackend>> second = OpenBackend(GetParam(), {dir.path()});
  ASSERT_TRUE(second.status().IsBusy()) << second.status().ToString();
  EXPECT_NE(second.status().message().find(dir.path()), std::string::npos);
  EXPECT_NE(second.status().message().find(PidText(::getpid())), std::string::npos);

  first->reset();
  Result<std::unique_ptr<StorageBackend>> again = OpenBackend(GetParam(), {dir.path()});
  EXPECT_TRUE(again.ok()) << again.status().ToString();
}

// The lock comes before the marker is read: a directory in use is refused to either
// backend as busy, before any of its files is read or written.
TEST(DataDirLockTest, BackendsTakeTheLockBeforeTheMarker) {
  TempDir dir;
  Result<DataDirLock> held = DataDirLock::Acquire(dir.path());
  ASSERT_TRUE(held.ok());
  for (const std::string& backend : RealBackends()) {
    EXPECT_TRUE(OpenBackend(backend, {dir.path()}).status().IsBusy()) << backend;
  }
  EXPECT_FALSE(std::filesystem::exists(dir.Sub(std::string(kDataDirMarkerFile))));
}

// Close() ends the backend's use of the directory (nothing but destruction may follow), so
// the directory is free again at once.
TEST_P(BackendDataDirLockTest, CloseGivesTheDirectoryUp) {
  TempDir dir;
  Result<std::unique_ptr<StorageBackend>> first = OpenBackend(GetParam(), {dir.path()});
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_TRUE((*first)->Close().ok());
  Result<std::unique_ptr<StorageBackend>> again = OpenBackend(GetParam(), {dir.path()});
  EXPECT_TRUE(again.ok()) << again.status().ToString();
}

INSTANTIATE_TEST_SUITE_P(RealBackends, BackendDataDirLockTest, ::testing::ValuesIn(RealBackends()),
                         BackendParamName());

}  // namespace
}  // namespace ringlog::testing
