// RangeIterator: a RocksDB iterator confined to the keys [lower, upper) of one column
// family. RocksDB keeps only pointers to its bounds; this class owns them, so they live as
// long as the iterator. The iterator reads a consistent snapshot taken at construction.
//
// Thread-compatible.
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/iterator.h>

#include <memory>
#include <string>
#include <utility>

namespace ringlog {

class RangeIterator {
 public:
  struct Options {
    // False for one-off scans (recovery) that should not evict what readers use.
    bool fill_cache = true;
    // False where the caller checks every value itself (record batches carry a CRC-32C).
    bool verify_checksums = true;
  };

  // `db` and `family` must outlive the iterator.
  RangeIterator(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* family, std::string lower,
                std::string upper, Options options);
  RangeIterator(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* family, std::string lower,
                std::string upper)
      : RangeIterator(db, family, std::move(lower), std::move(upper), Options()) {}
  RangeIterator(const RangeIterator&) = delete;
  RangeIterator& operator=(const RangeIterator&) = delete;

  rocksdb::Iterator* operator->() const { return iterator_.get(); }

 private:
  const std::string lower_;
  const std::string upper_;
  const rocksdb::Slice lower_slice_;
  const rocksdb::Slice upper_slice_;
  std::unique_ptr<rocksdb::Iterator> iterator_;
};

}  // namespace ringlog
