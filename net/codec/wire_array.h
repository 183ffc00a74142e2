// Kafka arrays for the per-API codecs: a length prefix (classic int32 or compact uvarint,
// see WireReader::ReadArrayLength) followed by the elements. Each codec passes a callback
// for its element layout, so that the counting, null handling and allocation bound live
// in one place.
//
// Decoding never allocates more than the remaining input could hold: every element is
// declared to take at least `min_element_bytes`, and a count that cannot fit is rejected
// before the vector is reserved.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/status.h"
#include "net/codec/wire_reader.h"
#include "net/codec/wire_writer.h"

namespace ringlog {

// Reads an array that may be null; `read_one(WireReader&)` returns Result<T>.
template <typename T, typename ReadOne>
Result<std::optional<std::vector<T>>> ReadNullableArray(WireReader& reader, bool flexible,
                                                        size_t min_element_bytes,
                                                        ReadOne&& read_one) {
  ASSIGN_OR_RETURN(int32_t count, reader.ReadArrayLength(flexible, min_element_bytes));
  if (count < 0) return std::optional<std::vector<T>>();
  std::vector<T> items;
  items.reserve(static_cast<size_t>(count));
  for (int32_t i = 0; i < count; ++i) {
    ASSIGN_OR_RETURN(T item, read_one(reader));
    items.push_back(std::move(item));
  }
  return std::optional<std::vector<T>>(std::move(items));
}

// Reads an array that must not be null: a null one is InvalidArgument.
template <typename T, typename ReadOne>
Result<std::vector<T>> ReadArray(WireReader& reader, bool flexible, size_t min_element_bytes,
                                 ReadOne&& read_one) {
  ASSIGN_OR_RETURN(std::optional<std::vector<T>> items,
                   ReadNullableArray<T>(reader, flexible, min_element_bytes, read_one));
  if (!items) return Status::InvalidArgument("null array where an array is required");
  return std::move(*items);
}

// Writes `items` with `write_one(WireWriter&, const T&)`.
template <typename T, typename WriteOne>
void WriteArray(WireWriter& writer, const std::vector<T>& items, bool flexible,
                WriteOne&& write_one) {
  writer.WriteArrayLength(static_cast<int32_t>(items.size()), flexible);
  for (const T& item : items) write_one(writer, item);
}

// Writes a null array for nullopt.
template <typename T, typename WriteOne>
void WriteNullableArray(WireWriter& writer, const std::optional<std::vector<T>>& items,
                        bool flexible, WriteOne&& write_one) {
  if (!items) {
    writer.WriteArrayLength(-1, flexible);
    return;
  }
  WriteArray(writer, *items, flexible, write_one);
}

// Arrays of plain int32 (broker ids, partition indexes).
inline Result<std::vector<int32_t>> ReadInt32Array(WireReader& reader, bool flexible) {
  return ReadArray<int32_t>(reader, flexible, sizeof(int32_t),
                            [](WireReader& r) { return r.ReadInt32(); });
}
inline void WriteInt32Array(WireWriter& writer, const std::vector<int32_t>& items, bool flexible) {
  WriteArray(writer, items, flexible, [](WireWriter& w, int32_t v) { w.WriteInt32(v); });
}

// Arrays of non-null strings (topic names, config keys).
inline Result<std::optional<std::vector<std::string>>> ReadNullableStringArray(WireReader& reader,
                                                                               bool flexible) {
  return ReadNullableArray<std::string>(
      reader, flexible, flexible ? 1 : 2,
      [flexible](WireReader& r) { return r.ReadString(flexible); });
}
inline Result<std::vector<std::string>> ReadStringArray(WireReader& reader, bool flexible) {
  return ReadArray<std::string>(reader, flexible, flexible ? 1 : 2,
                                [flexible](WireReader& r) { return r.ReadString(flexible); });
}
inline void WriteStringArray(WireWriter& writer, const std::vector<std::string>& items,
                             bool flexible) {
  WriteArray(writer, items, flexible,
             [flexible](WireWriter& w, const std::string& s) { w.WriteString(s, flexible); });
}
inline void WriteNullableStringArray(WireWriter& writer,
                                     const std::optional<std::vector<std::string>>& items,
                                     bool flexible) {
  WriteNullableArray(writer, items, flexible, [flexible](WireWriter& w, const std::string& s) {
    w.WriteString(s, flexible);
  });
}

}  // namespace ringlog
