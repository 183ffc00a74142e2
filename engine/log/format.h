// Every byte layout ringlog stores or reads, in one place: the Kafka RecordBatch v2 header,
// the segment files of the raw-file backend and their indexes, and file naming. No other
// file hard-codes these numbers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ringlog {

// ---------------------------------------------------------------------------------------
// Kafka RecordBatch v2. All integers big-endian. The CRC-32C covers bytes [21, end).
//
//   0        8          12                    16     17    21          23
//   +--------+----------+---------------------+------+-----+-----------+
//   | base   | batch    | partition leader    | magic| crc | attributes|
//   | offset | length   | epoch               | (=2) |     |           |
//   | i64    | i32      | i32                 | i8   | u32 | i16       |
//   +--------+----------+---------------------+------+-----+-----------+
//   23                27               35              43            51       53        57
//   | last offset     | base timestamp | max timestamp | producer id | epoch  | base seq| count |
//   | delta i32       | i64            | i64           | i64         | i16    | i32     | i32   |
//   61: records (a compressed blob when attributes & 0x07 != 0)
//
// batch length counts the bytes after itself, so a whole batch is 12 + batch length bytes.
// ---------------------------------------------------------------------------------------
inline constexpr size_t kBatchBaseOffsetPos = 0;
inline constexpr size_t kBatchLengthPos = 8;
inline constexpr size_t kBatchLeaderEpochPos = 12;
inline constexpr size_t kBatchMagicPos = 16;
inline constexpr size_t kBatchCrcPos = 17;
inline constexpr size_t kBatchAttributesPos = 21;
inline constexpr size_t kBatchLastOffsetDeltaPos = 23;
inline constexpr size_t kBatchBaseTimestampPos = 27;
inline constexpr size_t kBatchMaxTimestampPos = 35;
inline constexpr size_t kBatchProducerIdPos = 43;
inline constexpr size_t kBatchProducerEpochPos = 51;
inline constexpr size_t kBatchBaseSequencePos = 53;
inline constexpr size_t kBatchRecordCountPos = 57;
inline constexpr size_t kBatchHeaderSize = 61;
// base offset + batch length: the bytes not counted by batch length.
inline constexpr size_t kBatchLogOverhead = 12;
inline constexpr int8_t kBatchMagicV2 = 2;

inline constexpr int16_t kBatchAttrCompressionMask = 0x07;
inline constexpr int16_t kBatchAttrLogAppendTime = 0x08;
inline constexpr int16_t kBatchAttrTransactional = 0x10;
inline constexpr int16_t kBatchAttrControl = 0x20;

// ---------------------------------------------------------------------------------------
// Raw-file backend (backends/uring). One directory per partition:
//
//   <data_dir>/<topic>-<partition>/<base offset, 20 digits>.log        record batches
//   <data_dir>/<topic>-<partition>/<base offset, 20 digits>.index      offset index
//   <data_dir>/<topic>-<partition>/<base offset, 20 digits>.timeindex  time index
//
// A .log file is nothing but whole RecordBatch v2 batches back to back, exactly as they go
// on the wire: that is what lets a fetch send file bytes without copying them.
// ---------------------------------------------------------------------------------------
// Damage and recovery. Inside one .log the batches' offsets follow on exactly: each base
// offset is the previous batch's last offset + 1, the first is the segment's base offset.
// Recovery checks every batch (whole, magic 2, CRC-32C, that base offset) and, at the first
// one that fails, resynchronises:
//   1. the bad header's length, when it decodes, names where the next batch should start;
//   2. else (or if nothing valid starts there) every later byte position is tried.
// A position qualifies when a whole batch starts there whose CRC matches and whose base
// offset is at least the expected one (and below the next segment's base). Trying costs a
// few byte compares per position; CRCs of candidates that fail are capped at the file's
// size, after which the search gives up as if nothing followed. (When the damaged header's
// length is unusable, a batch held inside its record values could qualify; its base offset
// would have to continue this partition's offsets.)
//
//   good | good | damaged bytes        | good (base >= expected) | good | ...
//                ^ p                     ^ q
//
// If a batch qualifies at q, [p, q) is bit rot (a flipped byte in a header or a payload, a
// hole): it is kept on disk, its offsets [expected, base at q) are reported (LOG(ERROR),
// Segment::damaged_ranges()) and every read of them fails with Corruption, which Fetch
// answers with CORRUPT_MESSAGE; reading goes on at the base offset at q. Offset index
// entries exist only for good batches, and the first good batch after damage always gets
// one, so a lookup never starts a walk before the damage for an offset after it.
// A segment with damage keeps no index files, so every open verifies it again.
// If nothing qualifies, the bytes from p on are a torn or damaged tail: the last segment
// cuts them (LOG(WARNING) for a batch cut short by the end of the file, LOG(ERROR) for a
// whole batch that fails its checks); a sealed segment keeps them and reports its offsets
// up to the next segment's base as damaged.
//
// After a clean shutdown the sealed segments are trusted and not read at open (only the
// last segment is always verified): damage that arose in them while the broker was down is
// then served as stored, and clients that check CRCs find it. Removing the data directory's
// clean-shutdown marker (.clean_shutdown) before a start makes that start verify every
// segment.
inline constexpr std::string_view kLogFileSuffix = ".log";
inline constexpr std::string_view kOffsetIndexFileSuffix = ".index";
inline constexpr std::string_view kTimeIndexFileSuffix = ".timeindex";
inline constexpr int kSegmentFileNameDigits = 20;  // "%020lld"

// Index files are derived data: rebuilt from the .log when missing, damaged or of another
// version, and never checksummed. Each starts with a 16-byte header:
//
//   0        4         5          8                   16
//   | magic  | version | reserved | log bytes covered |
//   | u32    | u8      | 3 x 0    | u64               |
//
// "log bytes covered" is the .log size the index was written for; an index whose figure
// differs from the .log's size on open is stale and rebuilt.
//
// .index entries (8 bytes, ascending offset):     | relative offset u32 | position u32 |
// .timeindex entries (12 bytes, ascending both):  | timestamp i64 | relative offset u32 |
//
// "relative offset" is offset - segment base offset; "position" is the byte position of a
// batch's first byte in the .log. An offset entry names a batch's base offset and where it
// starts. A time entry (T, relative offset) says that the segment's running maximum
// timestamp first reached T at that batch: every earlier batch has a max timestamp below T.
inline constexpr uint32_t kOffsetIndexMagic = 0x524C4F49;  // "RLOI"
inline constexpr uint32_t kTimeIndexMagic = 0x524C5449;    // "RLTI"
inline constexpr uint8_t kIndexFormatVersion = 1;
inline constexpr size_t kIndexFileHeaderSize = 16;
inline constexpr size_t kOffsetIndexEntrySize = 8;
inline constexpr size_t kTimeIndexEntrySize = 12;

// ---------------------------------------------------------------------------------------
// Every data directory holds a marker naming the backend that wrote it, so a directory is
// never opened by the other backend by mistake. Its content is one line:
//   "ringlog-data-dir backend=<name> version=<n>\n"
// ---------------------------------------------------------------------------------------
inline constexpr std::string_view kDataDirMarkerFile = "RINGLOG_DATA_DIR";
inline constexpr int kDataDirFormatVersion = 1;

// ---------------------------------------------------------------------------------------
// Every data directory holds a lock file; the process using the directory holds an
// exclusive flock on it (backends/data_dir_lock.h), taken before anything else in the
// directory is read. Its content is the holder's pid as one decimal line, "<pid>\n"; the
// pid of the last holder stays when it exits. The lock, not the content, is the claim.
// ---------------------------------------------------------------------------------------
inline constexpr std::string_view kDataDirLockFile = ".lock";

}  // namespace ringlog
