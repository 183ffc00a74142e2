#include "bench/harness/json_object_writer.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace ringlog::bench {

std::string JsonObjectWriter::Quote(std::string_view value) {
  std::string out;
  out.reserve(value.size() + 2);
  out += '"';
  for (const char c : value) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof(escaped), "\\u%04x", static_cast<unsigned>(c));
          out += escaped;
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

void JsonObjectWriter::Key(std::string_view key) {
  text_ += text_.empty() ? '{' : ',';
  text_ += Quote(key);
  text_ += ':';
}

void JsonObjectWriter::Add(std::string_view key, std::string_view value) {
  Key(key);
  text_ += Quote(value);
}

void JsonObjectWriter::Add(std::string_view key, double value) {
  Key(key);
  if (!std::isfinite(value)) {
    text_ += "null";
    return;
  }
  char buffer[32];
  // The shortest text that reads back as the same double.
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  text_.append(buffer, ec == std::errc() ? end : buffer);
}

void JsonObjectWriter::Add(std::string_view key, int64_t value) {
  Key(key);
  text_ += std::to_string(value);
}

void JsonObjectWriter::AddRaw(std::string_view key, std::string_view json) {
  Key(key);
  text_ += json;
}

std::string JsonObjectWriter::Finish() {
  std::string out = text_.empty() ? "{}" : std::move(text_) + "}";
  text_.clear();
  return out;
}

}  // namespace ringlog::bench
