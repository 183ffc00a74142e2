// The text of a Java .properties file, as Kafka reads its server.properties
// (java.util.Properties.load): one `key=value` per logical line; `#` or `!` starts a
// comment line; the key ends at the first unescaped `=`, `:` or blank; a line ending in an
// odd number of backslashes continues on the next (whose leading blanks are dropped); and
// `\t` `\n` `\r` `\f` `\uXXXX` escapes, any other escaped character standing for itself.
//
//   # a comment
//   log.dirs = /var/lib/ringlog
//   zookeeper.connect=zk1:2181,<backslash>
//                     zk2:2181/ringlog
//
// gives {log.dirs, "/var/lib/ringlog", line 2} and {zookeeper.connect,
// "zk1:2181,zk2:2181/ringlog", line 3}. Values keep their trailing blanks, as Java's do.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/status.h"

namespace ringlog {

struct Property {
  std::string key;
  std::string value;
  int line = 0;  // 1-based, where the logical line starts
};

// The properties of `text` in file order, repeated keys included. InvalidArgument naming
// the line for a malformed \uXXXX escape, the one error Java's parser reports.
Result<std::vector<Property>> ParseProperties(std::string_view text);

// ParseProperties of the file at `path`; IOError naming the path when it cannot be read.
Result<std::vector<Property>> ReadPropertiesFile(const std::string& path);

}  // namespace ringlog
