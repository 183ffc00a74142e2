// `ringlog serve --config FILE`: a Kafka server.properties file (properties_file.h) read
// as the defaults of the serve flags, so that the command line wins. Each supported Kafka
// broker config maps onto one serve flag (ServerPropertyMappings: a table, one row per
// key); a key ringlog has no setting for is a warning naming it, a value the flag cannot
// take an error naming the key and the value.
//
//   log.dirs=/var/lib/ringlog         -> --data_dir=/var/lib/ringlog
//   listeners=PLAINTEXT://:9092       -> --listen=:9092
//   log.retention.hours=24            -> --log_retention_ms=86400000
//
// Not thread-safe: it sets gflags' flags, once at start before any thread reads them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/status.h"
#include "net/broker/properties_file.h"
#include "net/broker/serve_command.h"

namespace ringlog {

struct ServerPropertyMapping {
  std::string_view key;   // Kafka's broker config
  std::string_view flag;  // the serve flag it sets
  // Kafka's value (trimmed) to the flag's text; InvalidArgument saying why ringlog cannot
  // take it. Null: the same text. The flag's type is checked after.
  Result<std::string> (*convert)(std::string_view value) = nullptr;
  // When several keys set one flag, the highest rank present wins, as in Kafka
  // (log.retention.ms over log.retention.minutes over log.retention.hours).
  int rank = 0;
};

// Every supported key, sorted by key.
const std::vector<ServerPropertyMapping>& ServerPropertyMappings();

// A setting of the file and the flag it set.
struct AppliedProperty {
  Property property;  // value trimmed
  std::string_view flag;
};

struct AppliedServerProperties {
  std::vector<AppliedProperty> applied;     // now the defaults of their flags
  std::vector<AppliedProperty> overridden;  // flags the command line gave
  std::vector<std::string> warnings;        // unknown and repeated keys
};

// Reads the file at `path` and makes each mapped key's value the default of its flag
// (gflags' SET_FLAGS_DEFAULT: a flag given on the command line keeps its value). An error
// names the file and, for a setting, its line, key and value: the file cannot be read or
// parsed, a value is not of its flag's type (Kafka's true/false for booleans, decimal
// integers in range), or ringlog cannot take it (a second listener, several log dirs, an
// advertised port other than the one it listens on). On error no flag has changed.
Result<AppliedServerProperties> ApplyServerProperties(const std::string& path);

// The options of `ringlog serve` from its flags, over the settings of the server.properties
// at `config_path` when not empty (warnings logged), validated: a ValidateServeOptions error
// also names the file's settings it concerns.
Result<ServeOptions> ServeOptionsFromConfigAndFlags(const std::string& config_path);

}  // namespace ringlog
