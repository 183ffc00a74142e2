#include "net/broker/properties_file.h"

#include <fstream>
#include <sstream>

namespace ringlog {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\f'; }

// The physical lines of `text`, split at \n, \r or \r\n.
std::vector<std::string_view> PhysicalLines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find_first_of("\r\n", start);
    if (end == std::string_view::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    if (end + 1 < text.size() && text[end] == '\r' && text[end + 1] == '\n') ++end;
    start = end + 1;
  }
  return lines;
}

std::string_view DropLeadingBlanks(std::string_view s) {
  while (!s.empty() && IsBlank(s.front())) s.remove_prefix(1);
  return s;
}

// An odd number of trailing backslashes escapes the line break.
bool Continues(std::string_view line) {
  size_t backslashes = 0;
  while (backslashes < line.size() && line[line.size() - 1 - backslashes] == '\\') ++backslashes;
  return backslashes % 2 == 1;
}

void AppendUtf8(uint32_t code, std::string* out) {
  if (code < 0x80) {
    out->push_back(static_cast<char>(code));
  } else if (code < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (code >> 6)));
    out->push_back(static_cast<char>(0x80 | (code & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xE0 | (code >> 12)));
    out->push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (code & 0x3F)));
  }
}

// Resolves the escapes of a key or value.
Result<std::string> Unescape(std::string_view s, int line) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 == s.size()) {
      out.push_back(s[i]);
      continue;
    }
    const char c = s[++i];
    switch (c) {
      case 't':
        out.push_back('\t');
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case 'u': {
        uint32_t code = 0;
        for (int digit = 0; digit < 4; ++digit, ++i) {
          const char h = i + 1 < s.size() ? s[i + 1] : '\0';
          const int v = h >= '0' && h <= '9'   ? h - '0'
                        : h >= 'a' && h <= 'f' ? h - 'a' + 10
                        : h >= 'A' && h <= 'F' ? h - 'A' + 10
                                               : -1;
          if (v < 0) {
            return Status::InvalidArgument("line " + std::to_string(line) +
                                           ": malformed \\uxxxx escape");
          }
          code = code * 16 + static_cast<uint32_t>(v);
        }
        AppendUtf8(code, &out);
        break;
      }
      default:
        out.push_back(c);
    }
  }
  return out;
}

// Splits a logical line (leading blanks dropped, not a comment) into key and value.
Result<Property> SplitLine(std::string_view line, int number) {
  size_t key_end = 0;
  bool escaped = false;
  bool separator = false;
  for (; key_end < line.size(); ++key_end) {
    const char c = line[key_end];
    if (!escaped && (c == '=' || c == ':')) {
      separator = true;
      break;
    }
    if (!escaped && IsBlank(c)) break;
    escaped = c == '\\' && !escaped;
  }
  size_t value_start = key_end + (separator ? 1 : 0);
  for (; value_start < line.size(); ++value_start) {
    const char c = line[value_start];
    if (IsBlank(c)) continue;
    if (separator || (c != '=' && c != ':')) break;
    separator = true;  // "key = value": blanks, then the separator
  }
  Property property;
  property.line = number;
  ASSIGN_OR_RETURN(property.key, Unescape(line.substr(0, key_end), number));
  ASSIGN_OR_RETURN(property.value, Unescape(line.substr(value_start), number));
  return property;
}

}  // namespace

Result<std::vector<Property>> ParseProperties(std::string_view text) {
  const std::vector<std::string_view> lines = PhysicalLines(text);
  std::vector<Property> properties;
  for (size_t i = 0; i < lines.size(); ++i) {
    const int number = static_cast<int>(i) + 1;
    std::string_view first = DropLeadingBlanks(lines[i]);
    if (first.empty() || first.front() == '#' || first.front() == '!') continue;
    std::string logical(first);
    while (Continues(logical)) {
      logical.pop_back();
      if (++i == lines.size()) break;
      logical += DropLeadingBlanks(lines[i]);
    }
    ASSIGN_OR_RETURN(Property property, SplitLine(logical, number));
    properties.push_back(std::move(property));
  }
  return properties;
}

Result<std::vector<Property>> ReadPropertiesFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return Status::IOError("cannot read " + path, errno);
  std::ostringstream text;
  text << file.rdbuf();
  if (file.bad()) return Status::IOError("cannot read " + path, errno);
  return ParseProperties(text.str());
}

}  // namespace ringlog
