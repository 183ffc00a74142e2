#include "tests/fuzz/fuzz_broker.h"

#include <glog/logging.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <utility>

#include "engine/offset_store.h"
#include "engine/record_batch_builder.h"
#include "tests/fuzz/fuzz_common.h"
#include "tests/support/mem_backend.h"

namespace ringlog::fuzz {
namespace {

constexpr TimestampMs kStartMs = 1'700'000'000'000;
// Fetch long polls and rebalances wait on timers; an input cannot set more than this many.
constexpr int kMaxTimersFired = 100'000;
constexpr auto kAnswerTimeout = std::chrono::seconds(30);

// Topics the captured requests of tests/net/golden name, each with one record at offset 0.
void CreateGoldenTopics(LogManager& logs, TimestampMs now) {
  for (const char* topic : {"golden", "golden-topic"}) {
    CHECK(logs.CreateTopic(topic, 2, {}).ok());
    std::string batch = BuildRecordBatch({RecordData{"k", "hello", now, {}}});
    std::shared_ptr<PartitionLog> log = logs.GetPartition(PartitionId{topic, 0});
    CHECK(log != nullptr);
    CHECK(log->Append({reinterpret_cast<uint8_t*>(batch.data()), batch.size()}).ok());
  }
}

}  // namespace

// Requests dispatched and not answered yet.
struct FuzzBroker::Answers {
  std::mutex mu;
  std::condition_variable cv;
  int64_t pending = 0;
  bool closed = false;
};

FuzzBroker::FuzzBroker() : clock_(kStartMs), answers_(std::make_shared<Answers>()) {
  static std::atomic<uint64_t> instances{0};
  const uint64_t n = ++instances;
  // A new name each time: the in-memory disk of a removed directory is forgotten.
  dir_ = ScratchDir() + "/broker-" + std::to_string(n);
  Result<std::unique_ptr<StorageBackend>> backend = testing::OpenMemBackend(dir_);
  CHECK(backend.ok()) << backend.status().ToString();
  backend_ = std::move(*backend);
  Result<std::unique_ptr<LogManager>> logs = LogManager::Open(backend_.get(), {}, &clock_);
  CHECK(logs.ok()) << logs.status().ToString();
  logs_ = std::move(*logs);
  CreateGoldenTopics(*logs_, clock_.NowMs());
  Result<std::unique_ptr<OffsetStore>> offsets =
      OffsetStore::Open(logs_.get(), /*flusher=*/nullptr, &clock_, {});
  CHECK(offsets.ok()) << offsets.status().ToString();
  groups_ =
      std::make_unique<GroupCoordinator>(std::move(*offsets), &clock_, GroupCoordinatorOptions());
  // No flusher thread: acks=all answers once written and offset commits flush on this
  // thread, so that an input runs the same way every time, and fast on a busy machine.
  services_.config.flush_on_acks_all = false;
  services_.logs = logs_.get();
  services_.watchers = &watchers_;
  services_.groups = groups_.get();
  services_.clock = &clock_;
  broker_ = std::make_unique<Broker>(&services_);
  conn_.id = n;
  conn_.peer = "fuzz:" + std::to_string(n);
}

bool FuzzBroker::Handle(std::string frame) {
  {
    std::lock_guard lock(answers_->mu);
    ++answers_->pending;
  }
  auto answered = std::make_shared<std::atomic<bool>>(false);
  ReplyFn reply = [answers = answers_, answered](Reply r) {
    CHECK(!answered->exchange(true)) << "a request was answered twice";
    if (r.kind == Reply::Kind::kResponse) {
      Result<std::string> bytes = r.frame.Flatten();
      CHECK(bytes.ok()) << bytes.status().ToString();
      CHECK_GE(bytes->size(), 4u) << "a response without its correlation id";
    }
    std::lock_guard lock(answers->mu);
    if (r.kind == Reply::Kind::kClose) answers->closed = true;
    --answers->pending;
    answers->cv.notify_all();
  };
  broker_->Handle(conn_, std::move(frame), loop_, std::move(reply));
  loop_.RunPosted();
  clock_.Advance(100);
  groups_->Tick();
  loop_.RunPosted();
  std::lock_guard lock(answers_->mu);
  return !answers_->closed;
}

FuzzBroker::~FuzzBroker() {
  int fired = 0;
  while (loop_.FireNextTimer()) {
    CHECK_LT(++fired, kMaxTimersFired) << "timers keep setting timers";
  }
  broker_->OnConnectionClosed(conn_);
  loop_.RunPosted();
  // Sessions expire and rebalances time out; what still waits is answered when the
  // coordinator goes.
  clock_.Advance(24 * 3600 * 1000);
  groups_->Tick();
  loop_.RunPosted();
  // As `ringlog serve` stops: the coordinator answers what still waits and releases the
  // offsets log.
  services_.groups = nullptr;
  groups_.reset();
  {
    std::unique_lock lock(answers_->mu);
    CHECK(answers_->cv.wait_for(lock, kAnswerTimeout, [&] { return answers_->pending == 0; }))
        << answers_->pending << " requests were never answered";
  }
  loop_.RunPosted();
  const Status closed = logs_->Close();
  CHECK(closed.ok()) << closed.ToString();
  logs_.reset();
  backend_.reset();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

}  // namespace ringlog::fuzz
