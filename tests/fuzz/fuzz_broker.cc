#include "tests/fuzz/fuzz_broker.h"

#include <glog/logging.h>

#include <atomic>
#include <climits>
#include <filesystem>
#include <future>
#include <optional>
#include <span>
#include <utility>

#include "engine/big_endian.h"
#include "engine/group/offset_store.h"
#include "engine/log/record_batch_builder.h"
#include "net/codec/api_key.h"
#include "net/codec/join_group_codec.h"
#include "net/codec/wire_reader.h"
#include "tests/fuzz/fuzz_common.h"
#include "tests/support/mem_backend.h"

namespace ringlog::fuzz {
namespace {

constexpr TimestampMs kStartMs = 1'700'000'000'000;
// Fetch long polls and rebalances wait on timers; an input cannot set more than this many.
constexpr int kMaxTimersFired = 100'000;

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

// What the replies told: how many requests still wait for theirs, whether the broker
// closed the connection, and the member id the last JoinGroup response handed out.
struct FuzzBroker::Answers {
  int64_t pending = 0;
  bool closed = false;
  std::string member_id;
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
  GroupCoordinatorOptions group_options;
  // A group's first rebalance completes at the next Tick, one request later.
  group_options.initial_rebalance_delay_ms = 0;
  groups_ = std::make_unique<GroupCoordinator>(std::move(*offsets), &clock_, group_options);
  // No flusher thread: acks=all answers once written and offset commits flush on this
  // thread, so that an input runs the same way every time, and fast on a busy machine.
  services_.config.flush_on_acks_all = false;
  services_.logs = logs_.get();
  services_.watchers = &watchers_;
  services_.groups = groups_.get();
  services_.clock = &clock_;
  services_.admin = &admin_;
  broker_ = std::make_unique<Broker>(&services_);
  conn_.id = n;
  conn_.peer = "fuzz:" + std::to_string(n);
}

namespace {

// The member id a JoinGroup response (`frame`, of request version `version`) hands out;
// empty when it does not decode or has none.
std::string MemberIdOf(const std::string& frame, int16_t version) {
  WireReader reader(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(frame.data()), frame.size()));
  if (!reader.ReadInt32().ok()) return "";  // the correlation id
  if (version >= kJoinGroupFirstFlexibleVersion && !reader.SkipTaggedFields().ok()) return "";
  Result<JoinGroupResponse> response = DecodeJoinGroupResponse(reader, version);
  return response.ok() ? response->member_id : "";
}

// `frame` with every non-flexible string "@member" replaced by `member_id`.
std::string SubstituteMemberId(std::string frame, const std::string& member_id) {
  if (member_id.empty() || member_id.size() > static_cast<size_t>(INT16_MAX)) return frame;
  std::string placeholder(2, '\0');
  StoreBigEndian(reinterpret_cast<uint8_t*>(placeholder.data()),
                 static_cast<int16_t>(FuzzBroker::kMemberIdPlaceholder.size()));
  placeholder += FuzzBroker::kMemberIdPlaceholder;
  std::string replacement(2, '\0');
  StoreBigEndian(reinterpret_cast<uint8_t*>(replacement.data()),
                 static_cast<int16_t>(member_id.size()));
  replacement += member_id;
  for (size_t at = frame.find(placeholder); at != std::string::npos;
       at = frame.find(placeholder, at + replacement.size())) {
    frame.replace(at, placeholder.size(), replacement);
  }
  return frame;
}

}  // namespace

bool FuzzBroker::Handle(std::string frame) {
  frame = SubstituteMemberId(std::move(frame), answers_->member_id);
  std::optional<int16_t> join_version;
  if (frame.size() >= 4 && LoadBigEndian<int16_t>(reinterpret_cast<const uint8_t*>(frame.data())) ==
                               static_cast<int16_t>(ApiKey::kJoinGroup)) {
    join_version = LoadBigEndian<int16_t>(reinterpret_cast<const uint8_t*>(frame.data() + 2));
  }
  ++answers_->pending;
  auto answered = std::make_shared<bool>(false);
  ReplyFn reply = [answers = answers_, answered, join_version](Reply r) {
    CHECK(!std::exchange(*answered, true)) << "a request was answered twice";
    if (r.kind == Reply::Kind::kResponse) {
      Result<std::string> bytes = r.frame.Flatten();
      CHECK(bytes.ok()) << bytes.status().ToString();
      CHECK_GE(bytes->size(), 4u) << "a response without its correlation id";
      if (join_version) {
        std::string member_id = MemberIdOf(*bytes, *join_version);
        if (!member_id.empty()) answers->member_id = std::move(member_id);
      }
    }
    if (r.kind == Reply::Kind::kClose) answers->closed = true;
    --answers->pending;
  };
  broker_->Handle(conn_, std::move(frame), loop_, std::move(reply));
  RunAll();
  clock_.Advance(100);
  groups_->Tick();
  RunAll();
  return !answers_->closed;
}

void FuzzBroker::RunAll() {
  do {
    // The worker runs tasks in order: once this one runs, those before it have.
    std::promise<void> reached;
    admin_.Submit([&reached] { reached.set_value(); });
    reached.get_future().wait();
  } while (loop_.RunPosted() > 0);
}

FuzzBroker::~FuzzBroker() {
  int fired = 0;
  while (loop_.FireNextTimer()) {
    CHECK_LT(++fired, kMaxTimersFired) << "timers keep setting timers";
    RunAll();
  }
  broker_->OnConnectionClosed(conn_);
  RunAll();
  // Sessions expire and rebalances time out; what still waits is answered when the
  // coordinator goes.
  clock_.Advance(24 * 3600 * 1000);
  groups_->Tick();
  loop_.RunPosted();
  // As `ringlog serve` stops: the coordinator answers what still waits and releases the
  // offsets log.
  services_.groups = nullptr;
  groups_.reset();
  RunAll();
  admin_.Stop();
  CHECK_EQ(answers_->pending, 0) << "requests that were never answered";
  const Status closed = logs_->Close();
  CHECK(closed.ok()) << closed.ToString();
  logs_.reset();
  backend_.reset();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

}  // namespace ringlog::fuzz
