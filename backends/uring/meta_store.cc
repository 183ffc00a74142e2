#include "backends/uring/meta_store.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>

#include "backends/data_dir.h"

namespace ringlog {
namespace {

constexpr std::string_view kTempSuffix = ".tmp";

Status CheckName(std::string_view name) {
  const bool chars_ok = std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
  if (name.empty() || !chars_ok || name == "." || name == ".." || name.ends_with(kTempSuffix)) {
    return Status::InvalidArgument("meta name '" + std::string(name) +
                                   "' must be [A-Za-z0-9._-]+ and not end in .tmp");
  }
  return Status::OK();
}

}  // namespace

MetaStore::MetaStore(std::string dir) : dir_(std::move(dir)) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
    if (entry.path().filename().string().ends_with(kTempSuffix)) {
      std::filesystem::remove(entry.path(), ec);
    }
  }
}

Status MetaStore::Put(std::string_view name, std::string_view value) {
  RETURN_IF_ERROR(CheckName(name));
  std::lock_guard lock(mu_);
  return WriteFileAtomically(PathOf(name), value);
}

Result<std::string> MetaStore::Get(std::string_view name) const {
  RETURN_IF_ERROR(CheckName(name));
  Result<std::string> value = ReadWholeFile(PathOf(name));
  if (value.status().IsNotFound()) return Status::NotFound("no meta blob " + std::string(name));
  return value;
}

Status MetaStore::Delete(std::string_view name) {
  RETURN_IF_ERROR(CheckName(name));
  std::lock_guard lock(mu_);
  const std::string path = PathOf(name);
  if (::unlink(path.c_str()) != 0) {
    if (errno == ENOENT) return Status::NotFound("no meta blob " + std::string(name));
    return Status::IOError("unlink " + path, errno);
  }
  return Status::OK();
}

Result<std::vector<std::string>> MetaStore::List(std::string_view prefix) const {
  std::lock_guard lock(mu_);
  std::vector<std::string> names;
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator(dir_, ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name.starts_with(prefix) && !name.ends_with(kTempSuffix)) names.push_back(name);
  }
  if (ec) return Status::IOError("list " + dir_ + ": " + ec.message(), ec.value());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace ringlog
