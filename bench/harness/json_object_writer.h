// JsonObjectWriter: builds one JSON object as text, field by field, for the JSON-lines
// results of `ringlog bench`. Strings are escaped as RFC 8259 requires (quotes,
// backslashes, control characters; other bytes pass through as UTF-8); numbers that JSON
// cannot hold (NaN, infinities) become null.
//
//   JsonObjectWriter w;
//   w.Add("suite", "seqio");
//   w.Add("mb_per_s", 1234.5);
//   w.AddRaw("params", params.Finish());
//   std::string line = w.Finish();  // {"suite":"seqio","mb_per_s":1234.5,"params":{...}}
//
// Thread safety: thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ringlog::bench {

class JsonObjectWriter {
 public:
  void Add(std::string_view key, std::string_view value);
  void Add(std::string_view key, const char* value) { Add(key, std::string_view(value)); }
  void Add(std::string_view key, double value);
  void Add(std::string_view key, int64_t value);
  void Add(std::string_view key, int value) { Add(key, static_cast<int64_t>(value)); }
  // `json` must already be valid JSON (a nested object written by another writer).
  void AddRaw(std::string_view key, std::string_view json);

  // The object; the writer is empty again afterwards.
  std::string Finish();

  // `value` as a quoted, escaped JSON string.
  static std::string Quote(std::string_view value);

 private:
  void Key(std::string_view key);

  std::string text_;
};

}  // namespace ringlog::bench
