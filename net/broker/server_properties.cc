#include "net/broker/server_properties.h"

#include <gflags/gflags.h>
#include <glog/logging.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <map>

#include "net/broker/listen_address.h"
#include "net/broker/serve_flags.h"

namespace ringlog {
namespace {

constexpr std::string_view kPlaintext = "PLAINTEXT://";

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Kafka trims every value (ConfigDef.parseType): Java's String.trim.
std::string_view Trim(std::string_view s) {
  while (!s.empty() && static_cast<unsigned char>(s.front()) <= ' ') s.remove_prefix(1);
  while (!s.empty() && static_cast<unsigned char>(s.back()) <= ' ') s.remove_suffix(1);
  return s;
}

template <typename Int>
bool ParseInt(std::string_view text, Int* out) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return error == std::errc() && end == text.data() + text.size() && !text.empty();
}

// "PLAINTEXT://host:port" to "host:port": ringlog serves one plaintext listener.
Result<std::string> Listener(std::string_view value) {
  if (value.find(',') != std::string_view::npos) {
    return Status::InvalidArgument("ringlog serves one listener");
  }
  if (Lower(value.substr(0, kPlaintext.size())) != Lower(kPlaintext)) {
    return Status::InvalidArgument("ringlog serves PLAINTEXT://host:port only");
  }
  std::string address(value.substr(kPlaintext.size()));
  RETURN_IF_ERROR(ParseListenAddress(address).status());
  return address;
}

// The host of the advertised listener; its port is checked against the listener's once
// both are known (CheckAdvertisedPort).
Result<std::string> AdvertisedHost(std::string_view value) {
  ASSIGN_OR_RETURN(std::string address, Listener(value));
  ASSIGN_OR_RETURN(ListenAddress parsed, ParseListenAddress(address));
  return parsed.host;
}

Result<std::string> OneDirectory(std::string_view value) {
  if (value.find(',') != std::string_view::npos) {
    return Status::InvalidArgument("ringlog keeps its data in one directory");
  }
  return std::string(value);
}

// An int of `unit` milliseconds (Kafka's hours and minutes are ints); -1, no limit, stays.
template <int64_t unit>
Result<std::string> Milliseconds(std::string_view value) {
  int32_t count = 0;
  if (!ParseInt(value, &count)) return Status::InvalidArgument("not a 32-bit integer");
  return std::to_string(count == -1 ? -1 : count * unit);
}

constexpr int64_t kMinute = 60 * 1000;
constexpr int64_t kHour = 60 * kMinute;

// One row per Kafka key, sorted by key. A flag of ringlog's own with no Kafka
// equivalent (backend, zero_copy, ...) has none.
const std::vector<ServerPropertyMapping> kMappings = {
    {"advertised.listeners", "advertised_host", &AdvertisedHost},
    {"auto.create.topics.enable", "auto_create_topics_enable"},
    {"auto.leader.rebalance.enable", "auto_leader_rebalance_enable"},
    {"broker.id", "broker_id"},
    {"controlled.shutdown.enable", "controlled_shutdown_enable"},
    {"default.replication.factor", "default_replication_factor"},
    {"group.initial.rebalance.delay.ms", "group_initial_rebalance_delay_ms"},
    {"leader.imbalance.check.interval.seconds", "leader_imbalance_check_interval_seconds"},
    {"leader.imbalance.per.broker.percentage", "leader_imbalance_per_broker_percentage"},
    {"listeners", "listen", &Listener},
    {"log.dir", "data_dir", &OneDirectory, 0},
    {"log.dirs", "data_dir", &OneDirectory, 1},
    {"log.flush.interval.messages", "log_flush_interval_messages"},
    {"log.flush.interval.ms", "log_flush_interval_ms"},
    {"log.retention.bytes", "log_retention_bytes"},
    {"log.retention.check.interval.ms", "log_retention_check_interval_ms"},
    {"log.retention.hours", "log_retention_ms", &Milliseconds<kHour>, 0},
    {"log.retention.minutes", "log_retention_ms", &Milliseconds<kMinute>, 1},
    {"log.retention.ms", "log_retention_ms", nullptr, 2},
    {"log.roll.hours", "log_segment_ms", &Milliseconds<kHour>, 0},
    {"log.roll.ms", "log_segment_ms", nullptr, 1},
    {"log.segment.bytes", "log_segment_bytes"},
    {"message.max.bytes", "message_max_bytes"},
    {"min.insync.replicas", "min_insync_replicas"},
    {"num.network.threads", "num_network_threads"},
    {"num.partitions", "num_partitions"},
    {"offsets.topic.num.partitions", "offsets_topic_num_partitions"},
    {"offsets.topic.replication.factor", "offsets_topic_replication_factor"},
    {"producer.id.expiration.ms", "producer_id_expiration_ms"},
    {"queued.max.request.bytes", "queued_max_request_bytes"},
    {"replica.fetch.max.bytes", "replica_fetch_max_bytes"},
    {"replica.fetch.response.max.bytes", "replica_fetch_response_max_bytes"},
    {"replica.fetch.wait.max.ms", "replica_fetch_wait_max_ms"},
    {"replica.lag.time.max.ms", "replica_lag_time_max_ms"},
    {"socket.request.max.bytes", "socket_request_max_bytes"},
    {"transaction.max.timeout.ms", "transaction_max_timeout_ms"},
    {"transaction.state.log.num.partitions", "transaction_state_log_num_partitions"},
    {"transaction.state.log.replication.factor", "transaction_state_log_replication_factor"},
    {"unclean.leader.election.enable", "unclean_leader_election_enable"},
    {"zookeeper.connect", "zookeeper_connect"},
    {"zookeeper.connection.timeout.ms", "zookeeper_connection_timeout_ms"},
    {"zookeeper.session.timeout.ms", "zookeeper_session_timeout_ms"},
};

const ServerPropertyMapping* FindMapping(std::string_view key) {
  auto it = std::lower_bound(
      kMappings.begin(), kMappings.end(), key,
      [](const ServerPropertyMapping& m, std::string_view k) { return m.key < k; });
  return it != kMappings.end() && it->key == key ? &*it : nullptr;
}

// `text` as a value of the flag's type, in the form gflags parses.
Result<std::string> AsFlagValue(const gflags::CommandLineFlagInfo& flag, std::string text) {
  if (flag.type == "string") return text;
  if (flag.type == "bool") {
    const std::string lower = Lower(text);
    if (lower == "true" || lower == "false") return lower;
    return Status::InvalidArgument("not true or false");
  }
  if (flag.type == "int32") {
    int32_t v = 0;
    if (ParseInt(text, &v)) return text;
    return Status::InvalidArgument("not a 32-bit integer");
  }
  if (flag.type == "int64") {
    int64_t v = 0;
    if (ParseInt(text, &v)) return text;
    return Status::InvalidArgument("not a 64-bit integer");
  }
  return Status::InvalidArgument("--" + flag.name + " has type " + flag.type +
                                 ", which a config file cannot set");
}

// "FILE line N: key=value"
std::string Where(const std::string& path, const Property& p) {
  return path + " line " + std::to_string(p.line) + ": " + p.key + "=" + p.value;
}

struct Chosen {
  const ServerPropertyMapping* mapping;
  Property property;
  std::string flag_value;
};

// The value `flag` will have: the command line's, else the file's, else its default.
std::string Effective(const std::map<std::string_view, Chosen>& chosen, std::string_view flag) {
  gflags::CommandLineFlagInfo info;
  gflags::GetCommandLineFlagInfo(std::string(flag).c_str(), &info);
  auto it = chosen.find(flag);
  return info.is_default && it != chosen.end() ? it->second.flag_value : info.current_value;
}

// ringlog advertises the port it listens on: an advertised listener with another port
// cannot be honoured.
Status CheckAdvertisedPort(const std::string& path,
                           const std::map<std::string_view, Chosen>& chosen) {
  auto advertised = chosen.find("advertised_host");
  if (advertised == chosen.end() ||
      !gflags::GetCommandLineFlagInfoOrDie("advertised_host").is_default) {
    return Status::OK();
  }
  ASSIGN_OR_RETURN(std::string address, Listener(advertised->second.property.value));
  ASSIGN_OR_RETURN(ListenAddress wanted, ParseListenAddress(address));
  Result<ListenAddress> listen = ParseListenAddress(Effective(chosen, "listen"));
  if (!listen.ok() || listen->port == wanted.port) return Status::OK();  // listen's own error
  return Status::InvalidArgument(Where(path, advertised->second.property) +
                                 ": ringlog advertises the port it listens on, " +
                                 std::to_string(listen->port));
}

// Whether `text` names `word` as a whole (not inside a longer name).
bool Names(std::string_view text, std::string_view word) {
  const auto name_char = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  };
  for (size_t at = text.find(word); at != std::string_view::npos; at = text.find(word, at + 1)) {
    const size_t end = at + word.size();
    const bool starts = at == 0 || (!name_char(text[at - 1]) && text[at - 1] != '.');
    // A sentence's full stop ends a name; a dot inside a longer name does not.
    const bool ends = end == text.size() ||
                      (!name_char(text[end]) &&
                       !(text[end] == '.' && end + 1 < text.size() && name_char(text[end + 1])));
    if (starts && ends) return true;
  }
  return false;
}

// The names a validation message may use for a setting: its key, its flag, and the topic
// config behind a log.* flag (LogOptions::Validate says segment.bytes).
bool Concerns(std::string_view message, const AppliedProperty& a) {
  std::string dotted(a.flag);
  std::replace(dotted.begin(), dotted.end(), '_', '.');
  const std::string topic_config = dotted.starts_with("log.") ? dotted.substr(4) : dotted;
  return Names(message, a.property.key) || Names(message, a.flag) || Names(message, topic_config);
}

}  // namespace

const std::vector<ServerPropertyMapping>& ServerPropertyMappings() { return kMappings; }

Result<AppliedServerProperties> ApplyServerProperties(const std::string& path) {
  Result<std::vector<Property>> read = ReadPropertiesFile(path);
  if (!read.ok()) return read.status().WithContext("--config");
  AppliedServerProperties result;
  std::map<std::string, int> first_line;      // of each key, to name repeats
  std::map<std::string_view, Chosen> chosen;  // by flag
  for (Property& p : *read) {
    p.value = std::string(Trim(p.value));
    const ServerPropertyMapping* mapping = FindMapping(p.key);
    if (mapping == nullptr) {
      result.warnings.push_back(path + " line " + std::to_string(p.line) + ": unknown key '" +
                                p.key + "' ignored: ringlog has no such setting");
      continue;
    }
    if (auto [it, fresh] = first_line.emplace(p.key, p.line); !fresh) {
      result.warnings.push_back(path + " line " + std::to_string(p.line) + ": " + p.key +
                                " repeats line " + std::to_string(it->second) +
                                "; the later value wins");
    }
    gflags::CommandLineFlagInfo flag;
    CHECK(gflags::GetCommandLineFlagInfo(std::string(mapping->flag).c_str(), &flag))
        << "no flag --" << mapping->flag << " for " << mapping->key;
    Result<std::string> value = mapping->convert != nullptr ? mapping->convert(p.value) : p.value;
    if (value.ok()) value = AsFlagValue(flag, std::move(*value));
    if (!value.ok()) {
      return Status::InvalidArgument("bad value in " + Where(path, p) + ": " +
                                     value.status().message());
    }
    auto it = chosen.find(mapping->flag);
    if (it == chosen.end() || mapping->rank >= it->second.mapping->rank) {
      chosen[mapping->flag] = Chosen{mapping, std::move(p), std::move(*value)};
    }
  }
  RETURN_IF_ERROR(CheckAdvertisedPort(path, chosen));
  for (auto& [flag, c] : chosen) {
    const std::string name(flag);
    if (!gflags::GetCommandLineFlagInfoOrDie(name.c_str()).is_default) {
      result.overridden.push_back({std::move(c.property), flag});
      continue;
    }
    CHECK(!gflags::SetCommandLineOptionWithMode(name.c_str(), c.flag_value.c_str(),
                                                gflags::SET_FLAGS_DEFAULT)
               .empty())
        << "--" << name << " refused " << c.flag_value;
    result.applied.push_back({std::move(c.property), flag});
  }
  return result;
}

Result<ServeOptions> ServeOptionsFromConfigAndFlags(const std::string& config_path) {
  AppliedServerProperties file;
  if (!config_path.empty()) {
    ASSIGN_OR_RETURN(file, ApplyServerProperties(config_path));
    for (const std::string& warning : file.warnings) LOG(WARNING) << warning;
    for (const AppliedProperty& a : file.overridden) {
      LOG(INFO) << "--" << a.flag << " on the command line overrides " << a.property.key << "="
                << a.property.value << " of " << config_path;
    }
  }
  ServeOptions options = ServeOptionsFromFlags();
  const Status valid = ValidateServeOptions(options);
  if (valid.ok()) return options;
  std::string message = valid.message();
  for (const AppliedProperty& a : file.applied) {
    if (Concerns(valid.message(), a)) message += " (set by " + Where(config_path, a.property) + ")";
  }
  return Status::InvalidArgument(message);
}

}  // namespace ringlog
