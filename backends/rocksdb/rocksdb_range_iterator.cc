#include "backends/rocksdb/rocksdb_range_iterator.h"

#include <utility>

namespace ringlog {

RangeIterator::RangeIterator(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* family,
                             std::string lower, std::string upper, Options options)
    : lower_(std::move(lower)),
      upper_(std::move(upper)),
      lower_slice_(lower_),
      upper_slice_(upper_) {
  rocksdb::ReadOptions read;
  read.iterate_lower_bound = &lower_slice_;
  read.iterate_upper_bound = &upper_slice_;
  read.fill_cache = options.fill_cache;
  read.verify_checksums = options.verify_checksums;
  iterator_.reset(db->NewIterator(read, family));
}

}  // namespace ringlog
