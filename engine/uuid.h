// Uuid: a 128-bit identifier, as Kafka uses for topic ids (Metadata v10+, Fetch v13+,
// CreateTopics v7+). The all-zero value means "no id" on the wire, so Random never returns
// it.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ringlog {

struct Uuid {
  std::array<uint8_t, 16> bytes{};

  // A version-4 UUID from the system's random source; never zero.
  static Uuid Random();
  // Parses what ToString prints; nullopt for anything else.
  static std::optional<Uuid> Parse(std::string_view text);

  bool IsZero() const { return *this == Uuid{}; }
  // URL-safe base64 without padding (22 characters), the form Kafka's tools print.
  std::string ToString() const;

  auto operator<=>(const Uuid&) const = default;
};

}  // namespace ringlog
