#include "backends/uring/uring_segment.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <limits>
#include <mutex>
#include <optional>

#include "backends/data_dir.h"
#include "backends/uring/batch_scanner.h"

namespace ringlog {
namespace {

using Mode = BatchScanner::Mode;

// The queue an append waits to shrink below, unless it is empty (a larger batch goes
// alone). Measured with 64 KiB batches (seqio's engine path, quiet machine, 3 runs each):
// 256 KiB 4.0-4.6 GB/s, 512 KiB 4.5-5.3, 1 MiB 4.9-5.3, 2 MiB 2.4-4.8 against ~4.9 for a
// plain pwrite loop: a round must be large enough to pay for its hand-offs, and small
// enough to stay in the cache between the appender's copy and the write's.
constexpr size_t kQueueBytes = 1 << 20;

// The index holds offsets relative to the segment's base in 32 bits; PartitionLog keeps
// them below INT32_MAX.
constexpr Offset kMaxRelativeOffset = std::numeric_limits<int32_t>::max();

void RemoveIfPresent(const std::string& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    PLOG(WARNING) << "cannot remove " << path;
  }
}

}  // namespace

UringSegment::UringSegment(const Params& params, std::shared_ptr<CachedFile> log,
                           SegmentIndexes indexes)
    : params_(params),
      log_(std::move(log)),
      entries_durable_(params.entries_durable),
      indexes_(std::move(indexes)),
      next_offset_(params.base_offset) {}

UringSegment::~UringSegment() {
  std::unique_lock lock(queue_mu_);
  WaitIdle(lock);
}

std::unique_ptr<UringSegment> UringSegment::Create(const Params& params,
                                                   std::shared_ptr<CachedFile> log) {
  CHECK(params.writer != nullptr);
  CHECK(params.dir_syncs != nullptr);
  CHECK(params.fd_cache != nullptr);
  SegmentIndexes indexes(params.base_offset, params.options.index_interval_bytes);
  std::unique_ptr<UringSegment> segment(new UringSegment(params, std::move(log), indexes));
  segment->ResetQueue();
  return segment;
}

Result<std::unique_ptr<UringSegment>> UringSegment::Open(const Params& params, OpenMode mode,
                                                         std::optional<Offset> next_base_offset) {
  ASSIGN_OR_RETURN(std::shared_ptr<UringFile> file,
                   params.fd_cache->Open(params.paths.log, O_RDWR, 0, params.queue_depth));
  std::unique_ptr<UringSegment> segment =
      Create(params, std::make_shared<CachedFile>(params.fd_cache, params.paths.log,
                                                  params.queue_depth, std::move(file)));
  if (mode == OpenMode::kActive) {
    // Index files of the last segment are never trusted: its indexes live in memory
    // until it is sealed, which writes them afresh.
    segment->RemoveIndexFiles();
    RETURN_IF_ERROR(segment->Recover(/*cut_tail=*/true, next_base_offset).status());
    segment->ResetQueue();
    return segment;
  }
  const bool loaded = segment->LoadIndexes();
  bool trusted = false;
  if (loaded && mode == OpenMode::kSealedTrusted) {
    Status tail = segment->ScanTail();
    if (!tail.ok() && !tail.IsCorruption()) return tail;
    if (!tail.ok()) LOG(WARNING) << tail.message() << "; verifying the whole segment";
    trusted = tail.ok();
  }
  if (!trusted) {
    ASSIGN_OR_RETURN(bool whole, segment->Recover(/*cut_tail=*/false, next_base_offset));
    if (!whole) {
      // A damaged segment keeps no index files, so that even after a clean shutdown the
      // next open verifies it again instead of trusting it.
      segment->RemoveIndexFiles();
    } else if (!loaded) {
      RETURN_IF_ERROR(segment->PersistIndexes());
    }
  }
  segment->ResetQueue();
  segment->sealed_.store(true, std::memory_order_release);
  return segment;
}

Result<bool> UringSegment::Recover(bool cut_tail, std::optional<Offset> next_base_offset) {
  ASSIGN_OR_RETURN(std::shared_ptr<UringFile> log, log_->Get());
  ASSIGN_OR_RETURN(uint64_t file_size, log->Size());
  SegmentIndexes rebuilt(params_.base_offset, params_.options.index_interval_bytes);
  const Offset max_base_offset =
      next_base_offset ? *next_base_offset - 1 : params_.base_offset + kMaxRelativeOffset;
  ASSIGN_OR_RETURN(VerifiedLog verified,
                   VerifyLog(*log, file_size, params_.base_offset, max_base_offset,
                             [&rebuilt](const ScannedBatch& batch) {
                               return rebuilt.Add(batch.header, batch.position);
                             }));
  std::vector<LogDamage> damage = std::move(verified.damage);
  for (const LogDamage& d : damage) {
    LOG(ERROR) << params_.paths.log << ": damaged batch at bytes [" << d.position << ", "
               << d.end_position << "), offsets [" << d.first_offset << ", " << d.end_offset
               << "): " << d.reason
               << "; the good batches after it are kept, reads of these offsets fail";
  }
  Offset next = verified.next_offset;
  if (verified.bad_tail && cut_tail) {
    const LogDamage& tail = *verified.bad_tail;
    const std::string message = "recovery cut " + std::to_string(file_size - tail.position) +
                                " bytes at position " + std::to_string(tail.position) + " of " +
                                params_.paths.log + " (from offset " +
                                std::to_string(tail.first_offset) + "): " + tail.reason;
    // A batch cut short is what a crash in the middle of a write leaves; a whole batch
    // that fails its checks at the end is damage.
    if (verified.torn_tail) {
      LOG(WARNING) << message;
    } else {
      LOG(ERROR) << message;
    }
    RETURN_IF_ERROR(log->Truncate(tail.position));
    file_size = tail.position;
  } else if (verified.bad_tail) {
    LogDamage tail = std::move(*verified.bad_tail);
    if (next_base_offset && *next_base_offset > tail.end_offset) {
      tail.end_offset = *next_base_offset;
    }
    LOG(ERROR) << params_.paths.log << " is damaged from position " << tail.position
               << " to its end, offsets [" << tail.first_offset << ", " << tail.end_offset
               << "): " << tail.reason << "; reads of these offsets fail";
    next = tail.end_offset;
    damage.push_back(std::move(tail));
  }
  if (!cut_tail) rebuilt.FinishTimeIndex();
  const bool whole = damage.empty();
  std::unique_lock lock(mu_);
  indexes_ = std::move(rebuilt);
  damage_ = std::move(damage);
  Publish(file_size, next, indexes_.max_timestamp());
  return whole;
}

bool UringSegment::LoadIndexes() {
  Result<std::shared_ptr<UringFile>> log = log_->Get();
  if (!log.ok()) return false;
  Result<uint64_t> log_bytes = (*log)->Size();
  if (!log_bytes.ok()) return false;
  Result<std::string> offset_image = ReadWholeFile(params_.paths.offset_index);
  Result<std::string> time_image = ReadWholeFile(params_.paths.time_index);
  Status status = offset_image.ok() ? time_image.status() : offset_image.status();
  if (status.ok()) {
    Result<OffsetIndex> offsets =
        OffsetIndex::Decode(params_.base_offset, *offset_image, *log_bytes);
    Result<TimeIndex> times = TimeIndex::Decode(params_.base_offset, *time_image, *log_bytes);
    status = offsets.ok() ? times.status() : offsets.status();
    if (status.ok()) {
      std::unique_lock lock(mu_);
      indexes_ = SegmentIndexes(std::move(*offsets), std::move(*times),
                                params_.options.index_interval_bytes, *log_bytes);
      return true;
    }
  }
  LOG(WARNING) << "rebuilding the indexes of " << params_.paths.log << ": " << status.ToString();
  return false;
}

Status UringSegment::ScanTail() {
  ASSIGN_OR_RETURN(std::shared_ptr<UringFile> log, log_->Get());
  ASSIGN_OR_RETURN(uint64_t file_size, log->Size());
  IndexEntry last{params_.base_offset, 0};
  if (indexes_.offsets().entries() > 0) last = indexes_.offsets().all().back();
  BatchScanner scanner(log.get(), last.position, file_size, Mode::kHeaders);
  Offset next = params_.base_offset;
  while (true) {
    ASSIGN_OR_RETURN(std::optional<ScannedBatch> batch, scanner.Next());
    if (!batch) break;
    if (batch->position == last.position && batch->header.base_offset != last.offset) {
      return Status::Corruption(params_.paths.offset_index + " names offset " +
                                std::to_string(last.offset) + " at position " +
                                std::to_string(last.position) + ", the log has " +
                                std::to_string(batch->header.base_offset));
    }
    next = batch->header.next_offset();
  }
  if (!scanner.damage().empty()) {
    return Status::Corruption(params_.paths.log + " ends in a damaged batch at position " +
                              std::to_string(scanner.position()) + ": " + scanner.damage());
  }
  Publish(file_size, next, indexes_.max_timestamp());
  return Status::OK();
}

Status UringSegment::PersistIndexes() {
  std::string offset_image;
  std::string time_image;
  {
    std::shared_lock lock(mu_);
    const uint64_t log_bytes = size_bytes();
    offset_image = indexes_.offsets().Encode(log_bytes);
    time_image = indexes_.times().Encode(log_bytes);
  }
  const std::pair<const std::string*, const std::string*> files[] = {
      {&params_.paths.offset_index, &offset_image}, {&params_.paths.time_index, &time_image}};
  for (const auto& [path, image] : files) {
    ASSIGN_OR_RETURN(
        std::shared_ptr<UringFile> file,
        params_.fd_cache->Open(*path, O_WRONLY | O_CREAT | O_TRUNC, 0644, params_.queue_depth));
    RETURN_IF_ERROR(
        file->WriteAndSync(0, {reinterpret_cast<const uint8_t*>(image->data()), image->size()}));
  }
  return Status::OK();
}

void UringSegment::RemoveIndexFiles() const {
  RemoveIfPresent(params_.paths.offset_index);
  RemoveIfPresent(params_.paths.time_index);
}

void UringSegment::Publish(uint64_t size, Offset next_offset, TimestampMs max_timestamp) {
  // next_offset last: a reader that sees it also sees the size that covers its batches.
  size_.store(size, std::memory_order_release);
  max_timestamp_.store(max_timestamp, std::memory_order_release);
  next_offset_.store(next_offset, std::memory_order_release);
}

void UringSegment::ResetQueue() {
  std::lock_guard lock(queue_mu_);
  queued_end_ = size_bytes();
  queued_next_ = next_offset();
  written_end_ = queued_end_;
}

void UringSegment::WaitIdle(std::unique_lock<std::mutex>& lock) {
  queue_cv_.wait(lock, [&] { return !scheduled_; });
}

Status UringSegment::Append(const RecordBatchView& batch, WrittenCallback written) {
  if (sealed()) {
    return Status::InvalidArgument(params_.paths.log + " is sealed; appends go to a new segment");
  }
  const BatchHeader& header = batch.header();
  const std::span<const uint8_t> bytes = batch.bytes();
  bool schedule = false;
  {
    std::unique_lock lock(queue_mu_);
    if (header.base_offset != queued_next_) {
      return Status::InvalidArgument("batch base offset " + std::to_string(header.base_offset) +
                                     " appended to " + params_.paths.log + " at next offset " +
                                     std::to_string(queued_next_));
    }
    if (queued_end_ + bytes.size() > UINT32_MAX) {
      return Status::TooLarge(params_.paths.log + " would pass 4 GiB, the most a segment holds");
    }
    queue_cv_.wait(lock, [&] {
      return !write_failure_.ok() || filling_.empty() ||
             filling_.size() + bytes.size() <= kQueueBytes;
    });
    if (!write_failure_.ok()) return write_failure_;
    filling_.insert(filling_.end(), bytes.begin(), bytes.end());
    filling_batches_.push_back({header, queued_end_, std::move(written)});
    queued_end_ += bytes.size();
    queued_next_ = header.next_offset();
    schedule = !std::exchange(scheduled_, true);
  }
  if (schedule) params_.writer->Schedule(this);
  return Status::OK();
}

bool UringSegment::WriteQueued() {
  {
    std::lock_guard lock(queue_mu_);
    if (filling_.empty()) {
      scheduled_ = false;
      queue_cv_.notify_all();
      return false;
    }
    writing_.swap(filling_);
    writing_batches_.swap(filling_batches_);
  }
  // Appends go on filling the other buffer while this round is written.
  queue_cv_.notify_all();
  const uint64_t position = writing_batches_.front().position;
  const uint64_t end = position + writing_.size();
  Result<std::shared_ptr<UringFile>> log = log_->Get();
  Status status = log.ok() ? (*log)->Write(position, writing_) : log.status();
  if (status.ok()) {
    TimestampMs max_timestamp = kNoTimestamp;
    {
      std::unique_lock lock(mu_);
      for (const QueuedBatch& queued : writing_batches_) {
        status = indexes_.Add(queued.header, queued.position);
        if (!status.ok()) break;
      }
      max_timestamp = indexes_.max_timestamp();
    }
    if (status.ok()) {
      Publish(end, writing_batches_.back().header.next_offset(), max_timestamp);
    }
  }
  std::vector<QueuedBatch> failed;
  if (!status.ok()) {
    LOG(ERROR) << "write of " << end - position << " bytes at " << position << " of "
               << params_.paths.log << " failed: " << status.ToString();
    // Whole batches of a short write would otherwise come back at the next open.
    if (Status cut = log.ok() ? (*log)->Truncate(position) : log.status(); !cut.ok()) {
      LOG(ERROR) << "cannot cut the failed write off " << params_.paths.log << ": "
                 << cut.ToString();
    }
    std::lock_guard lock(queue_mu_);
    write_failure_ = status;
    failed.swap(filling_batches_);
    filling_.clear();
  }
  for (QueuedBatch& queued : writing_batches_) queued.written(status);
  for (QueuedBatch& queued : failed) queued.written(status);
  writing_.clear();
  writing_batches_.clear();
  std::lock_guard lock(queue_mu_);
  if (status.ok()) written_end_ = end;
  const bool more = !filling_.empty();
  if (!more) scheduled_ = false;
  queue_cv_.notify_all();
  return more;
}

Result<ReadResult> UringSegment::Read(Offset offset, size_t max_bytes) const {
  const Offset next = next_offset();
  const uint64_t size = size_bytes();
  if (offset < params_.base_offset || offset >= next) {
    return Status::OutOfRange("offset " + std::to_string(offset) + " is outside [" +
                              std::to_string(params_.base_offset) + ", " + std::to_string(next) +
                              ") of " + params_.paths.log);
  }
  IndexEntry floor;
  uint64_t limit;
  {
    std::shared_lock lock(mu_);
    if (const LogDamage* damaged = DamageHolding(offset)) {
      return Status::Corruption(
          params_.paths.log + ": offsets [" + std::to_string(damaged->first_offset) + ", " +
          std::to_string(damaged->end_offset) + ") are in damaged bytes [" +
          std::to_string(damaged->position) + ", " + std::to_string(damaged->end_position) + "): " +
          damaged->reason + "; reading goes on at offset " + std::to_string(damaged->end_offset));
    }
    floor = indexes_.offsets().Lookup(offset);
    limit = DamageFrom(floor.position, size);
  }
  // A file slice result holds `log`: its descriptor stays open however the cache evicts.
  ASSIGN_OR_RETURN(std::shared_ptr<UringFile> log, log_->Get());
  BatchScanner scanner(log.get(), floor.position, limit, Mode::kHeaders);
  std::optional<ScannedBatch> first;
  while (!first) {
    ASSIGN_OR_RETURN(std::optional<ScannedBatch> batch, scanner.Next());
    if (!batch || batch->header.base_offset >= next) break;
    if (batch->header.last_offset() >= offset) first = batch;
  }
  if (!first) {
    return Status::Corruption("no batch of " + params_.paths.log + " holds offset " +
                              std::to_string(offset) + ": " + scanner.damage());
  }
  const uint64_t start = first->position;
  uint64_t end = start + first->header.size_bytes();
  Offset read_next = first->header.next_offset();
  const uint64_t budget_end = start + std::min<uint64_t>(max_bytes, limit - start);
  if (end < budget_end) {
    // Jump over whole batches with the index, then walk headers to the budget's end.
    IndexEntry jump;
    {
      std::shared_lock lock(mu_);
      jump = indexes_.offsets().LookupPosition(static_cast<uint32_t>(budget_end));
    }
    BatchScanner* tail = &scanner;
    std::optional<BatchScanner> jumped;
    if (jump.position > end) {
      end = jump.position;
      read_next = jump.offset;
      tail = &jumped.emplace(log.get(), end, limit, Mode::kHeaders);
    }
    while (true) {
      ASSIGN_OR_RETURN(std::optional<ScannedBatch> batch, tail->Next());
      if (!batch || batch->header.base_offset >= next) break;
      if (batch->position + batch->header.size_bytes() > budget_end) break;
      end = batch->position + batch->header.size_bytes();
      read_next = batch->header.next_offset();
    }
  }
  ReadResult result;
  result.first_offset = first->header.base_offset;
  result.next_offset = read_next;
  if (!params_.fd_cache->SlicesAllowed()) {
    // Too many descriptors are pinned by reads already: this one copies.
    std::string bytes(end - start, '\0');
    RETURN_IF_ERROR(log->Read(start, {reinterpret_cast<uint8_t*>(bytes.data()), bytes.size()}));
    result.data = std::move(bytes);
    return result;
  }
  result.data = FileSlice{log->fd(), start, end - start};
  result.pin = std::move(log);
  return result;
}

Result<Offset> UringSegment::FindOffsetByTimestamp(TimestampMs ts) const {
  const Offset next = next_offset();
  const uint64_t size = size_bytes();
  uint64_t position;
  std::vector<LogDamage> damage;
  {
    std::shared_lock lock(mu_);
    position = indexes_.offsets().Lookup(indexes_.times().Lookup(ts)).position;
    damage = damage_;
  }
  std::optional<Offset> found;
  if (max_timestamp() >= ts) {
    RETURN_IF_ERROR(ForEachBatch(position, size, damage, [&](const BatchHeader& header) {
      if (header.base_offset >= next) return false;
      if (header.max_timestamp >= ts) found = header.base_offset;
      return !found;
    }));
  }
  if (found) return *found;
  return Status::NotFound("no batch of " + params_.paths.log +
                          " has a timestamp >= " + std::to_string(ts));
}

std::vector<DamagedRange> UringSegment::damaged_ranges() const {
  std::shared_lock lock(mu_);
  std::vector<DamagedRange> ranges;
  ranges.reserve(damage_.size());
  for (const LogDamage& d : damage_) ranges.push_back({d.first_offset, d.end_offset});
  return ranges;
}

const LogDamage* UringSegment::DamageHolding(Offset offset) const {
  for (const LogDamage& d : damage_) {
    if (d.first_offset <= offset && offset < d.end_offset) return &d;
  }
  return nullptr;
}

uint64_t UringSegment::DamageFrom(uint64_t position, uint64_t size) const {
  for (const LogDamage& d : damage_) {
    if (d.position >= position) return std::min(size, d.position);
  }
  return size;
}

Status UringSegment::ForEachBatch(uint64_t from, uint64_t to, const std::vector<LogDamage>& damage,
                                  const std::function<bool(const BatchHeader&)>& fn) const {
  ASSIGN_OR_RETURN(std::shared_ptr<UringFile> log, log_->Get());
  uint64_t position = from;
  auto next_damage = damage.begin();
  while (position < to) {
    while (next_damage != damage.end() && next_damage->position < position) ++next_damage;
    const bool damaged = next_damage != damage.end() && next_damage->position < to;
    BatchScanner scanner(log.get(), position, damaged ? next_damage->position : to, Mode::kHeaders);
    while (true) {
      ASSIGN_OR_RETURN(std::optional<ScannedBatch> batch, scanner.Next());
      if (!batch) break;
      if (!fn(batch->header)) return Status::OK();
    }
    if (!damaged || !scanner.damage().empty()) break;
    position = next_damage->end_position;
  }
  return Status::OK();
}

Status UringSegment::WaitWritten() {
  std::unique_lock lock(queue_mu_);
  const uint64_t target = queued_end_;
  const uint64_t resets = resets_;
  queue_cv_.wait(
      lock, [&] { return written_end_ >= target || !write_failure_.ok() || resets_ != resets; });
  if (written_end_ >= target) return Status::OK();
  if (!write_failure_.ok()) return write_failure_;
  return Status::IOError(params_.paths.log + " was cut back after a failed write");
}

Status UringSegment::Flush() {
  RETURN_IF_ERROR(WaitWritten());
  ASSIGN_OR_RETURN(std::shared_ptr<UringFile> log, log_->Get());
  RETURN_IF_ERROR(log->Fdatasync());
  if (entries_durable_.load(std::memory_order_acquire)) return Status::OK();
  RETURN_IF_ERROR(params_.dir_syncs->Sync(params_.dir));
  entries_durable_.store(true, std::memory_order_release);
  return Status::OK();
}

Status UringSegment::Seal() {
  if (sealed()) return Status::OK();
  // No sync of the data here: PartitionLog flushes rolled segments with its next flush,
  // and index files are trusted only after a clean shutdown, which syncs every log.
  RETURN_IF_ERROR(WaitWritten());
  {
    // The queue's buffers are not needed any more.
    std::unique_lock lock(queue_mu_);
    WaitIdle(lock);
    std::vector<uint8_t>().swap(filling_);
    std::vector<uint8_t>().swap(writing_);
  }
  bool damaged;
  {
    std::unique_lock lock(mu_);
    indexes_.FinishTimeIndex();
    damaged = !damage_.empty();
  }
  // A damaged segment keeps no index files (Open removed them), so that every open
  // verifies it again.
  if (!damaged) RETURN_IF_ERROR(PersistIndexes());
  sealed_.store(true, std::memory_order_release);
  return Status::OK();
}

Status UringSegment::TruncateTo(Offset offset) {
  bool failed = false;
  {
    // Appends after a failed write start again from what was written.
    std::unique_lock lock(queue_mu_);
    WaitIdle(lock);
    failed = !write_failure_.ok();
    write_failure_ = Status::OK();
    ++resets_;
    queue_cv_.notify_all();
  }
  ResetQueue();
  ASSIGN_OR_RETURN(std::shared_ptr<UringFile> log, log_->Get());
  // Again, in case the writer could not cut the failed write off.
  if (failed) RETURN_IF_ERROR(log->Truncate(size_bytes()));
  const Offset next = next_offset();
  if (offset >= next) return Status::OK();
  uint64_t cut = 0;
  Offset new_next = params_.base_offset;
  uint64_t rescan_from = 0;
  std::vector<LogDamage> damage;
  {
    std::shared_lock lock(mu_);
    damage = damage_;
  }
  if (offset > params_.base_offset) {
    IndexEntry floor;
    {
      std::shared_lock lock(mu_);
      floor = indexes_.offsets().Lookup(offset);
      cut = DamageFrom(floor.position, size_bytes());
    }
    // Damage after the batches from the floor on counts as one batch, dropped whole when
    // `offset` lies in or before it.
    new_next = next;
    for (const LogDamage& d : damage) {
      if (d.position == cut) new_next = d.first_offset;
    }
    BatchScanner scanner(log.get(), floor.position, cut, Mode::kHeaders);
    while (true) {
      ASSIGN_OR_RETURN(std::optional<ScannedBatch> batch, scanner.Next());
      if (!batch) break;
      if (batch->header.base_offset >= offset) {
        cut = batch->position;
        new_next = batch->header.base_offset;
        break;
      }
    }
    if (cut == size_bytes()) return Status::OK();  // `offset` is inside the last batch
    // The running max timestamp is below every time entry up to the last one kept, so
    // rescanning from that entry's batch finds the maximum of what remains.
    std::shared_lock lock(mu_);
    Offset rescan_offset = params_.base_offset;
    for (const TimeIndexEntry& e : indexes_.times().all()) {
      if (e.offset < new_next) rescan_offset = e.offset;
    }
    rescan_from = indexes_.offsets().Lookup(rescan_offset).position;
  }
  RETURN_IF_ERROR(log->Truncate(cut));
  std::erase_if(damage, [cut](const LogDamage& d) { return d.position >= cut; });
  TimestampMs max_timestamp = kNoTimestamp;
  Offset max_timestamp_offset = params_.base_offset;
  RETURN_IF_ERROR(ForEachBatch(rescan_from, cut, damage, [&](const BatchHeader& header) {
    if (header.max_timestamp > max_timestamp) {
      max_timestamp = header.max_timestamp;
      max_timestamp_offset = header.base_offset;
    }
    return true;
  }));
  bool damaged;
  {
    std::unique_lock lock(mu_);
    indexes_.TruncateTo(new_next, cut, max_timestamp, max_timestamp_offset);
    damaged = !damage.empty();
    damage_ = std::move(damage);
    if (sealed()) indexes_.FinishTimeIndex();
  }
  Publish(cut, new_next, max_timestamp);
  ResetQueue();
  if (sealed() && !damaged) RETURN_IF_ERROR(PersistIndexes());
  return Status::OK();
}

}  // namespace ringlog
