// Fuzz target: the consumer groups' committed-offset records (engine/group/offset_record.h) and
// their log, the internal topic __consumer_offsets, as the OffsetStore replays and
// compacts it at start-up. Consumer groups keep nothing else on disk: membership lives in
// memory only.
//
// The input is a list of records, each: u8 key length | key | u8 value length (255: a
// null value, a tombstone) | value; they are appended to the offsets log a few per batch.
// Every key and value is also decoded on its own.
//
// Besides not crashing, it checks:
//   - a record that decodes encodes back to the same bytes;
//   - the store replays the log into what a plain model of the rules says (the newest
//     record of a key wins, a tombstone removes it, a record that does not decode is
//     skipped);
//   - a snapshot (MaybeCompact) and a second replay keep the same offsets.
#include <glog/logging.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/clock.h"
#include "engine/group/offset_record.h"
#include "engine/group/offset_store.h"
#include "engine/log/internal_topics.h"
#include "engine/log/log_manager.h"
#include "engine/log/record_batch_builder.h"
#include "tests/fuzz/fuzz_common.h"
#include "tests/support/mem_backend.h"

namespace ringlog {
namespace {

constexpr uint8_t kNullValue = 255;
constexpr size_t kRecordsPerBatch = 4;
constexpr TimestampMs kNowMs = 1'700'000'000'000;

using Model = std::map<std::string, OffsetStore::Offsets>;

std::vector<RecordData> ParseRecords(const uint8_t* data, size_t size) {
  std::vector<RecordData> records;
  size_t at = 0;
  while (at < size) {
    const size_t key_length = std::min<size_t>(data[at], size - at - 1);
    RecordData record;
    record.key = std::string(reinterpret_cast<const char*>(data + at + 1), key_length);
    record.timestamp = kNowMs;
    at += 1 + key_length;
    if (at < size) {
      const uint8_t tag = data[at++];
      if (tag != kNullValue) {
        const size_t value_length = std::min<size_t>(tag, size - at);
        record.value = std::string(reinterpret_cast<const char*>(data + at), value_length);
        at += value_length;
      }
    }
    records.push_back(std::move(record));
  }
  return records;
}

// The rules of the offsets log applied by hand; checks the round trip of what decodes.
void Apply(const RecordData& record, Model& model) {
  Result<OffsetKey> key = DecodeOffsetKey(*record.key);
  if (record.value) {
    Result<CommittedOffset> value = DecodeOffsetValue(*record.value);
    if (value.ok()) CHECK_EQ(EncodeOffsetValue(*value), *record.value);
    if (!key.ok() || !value.ok()) return;
    CHECK_EQ(EncodeOffsetKey(*key), *record.key);
    model[key->group].insert_or_assign(key->partition, *value);
    return;
  }
  if (!key.ok()) return;
  CHECK_EQ(EncodeOffsetKey(*key), *record.key);
  auto group = model.find(key->group);
  if (group == model.end()) return;
  group->second.erase(key->partition);
  if (group->second.empty()) model.erase(group);
}

void ExpectSame(const OffsetStore& store, const Model& model, const char* when) {
  std::vector<std::string> groups;
  for (const auto& [group, offsets] : model) groups.push_back(group);
  CHECK(store.Groups() == groups) << "groups differ from the model " << when;
  for (const auto& [group, offsets] : model) {
    CHECK(store.GetAll(group) == offsets) << "offsets of " << group << " differ " << when;
  }
}

void AppendAll(LogManager& logs, const std::vector<RecordData>& records) {
  std::shared_ptr<PartitionLog> log =
      logs.GetPartition(PartitionId{std::string(kConsumerOffsetsTopic), 0});
  CHECK(log != nullptr);
  for (size_t first = 0; first < records.size(); first += kRecordsPerBatch) {
    const std::vector<RecordData> some(
        records.begin() + static_cast<ptrdiff_t>(first),
        records.begin() +
            static_cast<ptrdiff_t>(std::min(records.size(), first + kRecordsPerBatch)));
    std::string batch = BuildRecordBatch(some);
    const Result<AppendResult> appended =
        log->Append({reinterpret_cast<uint8_t*>(batch.data()), batch.size()});
    CHECK(appended.ok()) << appended.status().ToString();
  }
}

}  // namespace
}  // namespace ringlog

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  ringlog::fuzz::QuietLogging();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ringlog;
  const std::vector<RecordData> records = ParseRecords(data, size);
  Model model;
  for (const RecordData& record : records) Apply(record, model);

  static uint64_t runs = 0;
  // A new name each time: the in-memory disk of a removed directory is forgotten.
  const std::string dir = fuzz::ScratchDir() + "/offsets-" + std::to_string(++runs);
  {
    Result<std::unique_ptr<StorageBackend>> backend = testing::OpenMemBackend(dir);
    CHECK(backend.ok()) << backend.status().ToString();
    ManualClock clock(kNowMs);
    Result<std::unique_ptr<LogManager>> logs = LogManager::Open(backend->get(), {}, &clock);
    CHECK(logs.ok()) << logs.status().ToString();
    // Small segments, so that a snapshot has whole segments to drop.
    CHECK((*logs)->CreateTopic(kConsumerOffsetsTopic, 1, {{"segment.bytes", "512"}}).ok());
    AppendAll(**logs, records);

    OffsetStoreOptions options;
    options.compact_min_records = 1;
    {
      Result<std::unique_ptr<OffsetStore>> store =
          OffsetStore::Open(logs->get(), nullptr, &clock, options);
      CHECK(store.ok()) << store.status().ToString();
      ExpectSame(**store, model, "after replay");
      const Status compacted = (*store)->MaybeCompact();
      CHECK(compacted.ok()) << compacted.ToString();
      ExpectSame(**store, model, "after a snapshot");
    }
    Result<std::unique_ptr<OffsetStore>> store =
        OffsetStore::Open(logs->get(), nullptr, &clock, options);
    CHECK(store.ok()) << store.status().ToString();
    ExpectSame(**store, model, "after replaying the snapshot");
    store->reset();
    CHECK((*logs)->Close().ok());
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return 0;
}
