#include "bench/harness/run_context.h"

#include <sys/utsname.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace ringlog::bench {
namespace {

// The first line `command` prints, without its newline; empty when it fails.
std::string FirstLineOf(const std::string& command) {
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return "";
  char buffer[256] = {};
  std::string line;
  if (std::fgets(buffer, sizeof(buffer), pipe) != nullptr) line = buffer;
  const int rc = ::pclose(pipe);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  return rc == 0 ? line : "";
}

std::string GitRevision() {
  const char* env = std::getenv("RINGLOG_GIT_REVISION");
  if (env != nullptr && *env != '\0') return env;
  // This file sits at <repo>/bench/harness/run_context.cc in the tree it was built from.
  const std::filesystem::path repo =
      std::filesystem::path(__FILE__).parent_path().parent_path().parent_path();
  const std::string git = "git -C '" + repo.string() + "' ";
  const std::string sha = FirstLineOf(git + "rev-parse --short HEAD 2>/dev/null");
  if (sha.empty()) return "unknown";
  const std::string changes =
      FirstLineOf(git + "status --porcelain --untracked-files=no 2>/dev/null");
  return changes.empty() ? sha : sha + "-dirty";
}

std::string IsoDateUtc() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

// The value after "<key> :" in a /proc file of "key : value" lines, or "".
std::string ProcField(const char* file, const std::string& key) {
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.starts_with(key)) continue;
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    const size_t start = line.find_first_not_of(" \t", colon + 1);
    return start == std::string::npos ? "" : line.substr(start);
  }
  return "";
}

}  // namespace

MountInfo FindMount(const std::string& path) {
  std::error_code ec;
  std::string canonical = std::filesystem::weakly_canonical(path, ec).string();
  if (ec) canonical = path;
  std::ifstream mounts("/proc/self/mounts");
  std::string line;
  MountInfo best;
  while (std::getline(mounts, line)) {
    std::istringstream fields(line);
    std::string device, mount_point, type;
    fields >> device >> mount_point >> type;
    const bool covers = canonical.starts_with(mount_point) &&
                        (mount_point == "/" || canonical.size() == mount_point.size() ||
                         canonical[mount_point.size()] == '/');
    if (covers && mount_point.size() >= best.mount_point.size()) {
      best = {device, type, mount_point};
    }
  }
  return best;
}

std::string RunContext::MachineSummary() const {
  char memory[32];
  std::snprintf(memory, sizeof(memory), "%.1f GiB",
                static_cast<double>(memory_bytes) / (1024.0 * 1024 * 1024));
  return cpu_model + ", " + std::to_string(cores) + " cores, " + memory + ", Linux " + kernel +
         ", " + filesystem + " on " + device;
}

RunContext CollectRunContext(const std::string& data_dir) {
  RunContext context;
  context.git_revision = GitRevision();
  context.date = IsoDateUtc();
  context.cpu_model = ProcField("/proc/cpuinfo", "model name");
  if (context.cpu_model.empty()) context.cpu_model = "unknown";
  context.cores = static_cast<int>(std::thread::hardware_concurrency());
  // MemTotal is in kB.
  context.memory_bytes =
      std::strtoull(ProcField("/proc/meminfo", "MemTotal").c_str(), nullptr, 10) * 1024;
  utsname names{};
  context.kernel = ::uname(&names) == 0 ? names.release : "unknown";
  MountInfo mount = FindMount(data_dir);
  if (mount.mount_point.empty()) mount = {"unknown", "unknown", "unknown"};
  context.device = mount.device;
  context.filesystem = mount.filesystem;
  context.mount_point = mount.mount_point;
  return context;
}

}  // namespace ringlog::bench
