#include "strato/fetch/model_installer.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <utility>

#include "strato/config/model_config.h"
#include "strato/fetch/sha256.h"
#include "strato/fetch/source.h"

namespace strato::fetch {
namespace fs = std::filesystem;
namespace {

constexpr const char* kStagingRoot = ".strato-pull";

std::optional<int64_t> VersionNumber(const std::string& name) {
  if (name.empty() || name.size() > 18) return std::nullopt;
  int64_t v = 0;
  for (char c : name) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v > 0 ? std::optional<int64_t>(v) : std::nullopt;
}

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

Status FsError(const std::string& what, const fs::path& path, const std::error_code& ec) {
  return InternalError(what + " '" + path.string() + "': " + ec.message());
}

// fsync of a folder makes the names in it (new files, renames) durable.
Status SyncPath(const fs::path& path, bool directory) {
  const int fd = ::open(path.c_str(), (directory ? O_DIRECTORY : 0) | O_RDONLY | O_CLOEXEC);
  if (fd < 0) return InternalError("cannot open '" + path.string() + "' to fsync: " + std::strerror(errno));
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return InternalError("cannot fsync '" + path.string() + "': " + std::strerror(err));
  return Status::Ok();
}

Status WriteSyncedFile(const fs::path& path, const std::string& text) {
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) return InternalError("cannot write '" + path.string() + "'");
  }
  return SyncPath(path, false);
}

// The name the file gets in the version folder.
std::string VersionFileName(const fs::path& model_dir, const std::string& source_file_name) {
  std::error_code ec;
  if (fs::exists(model_dir / "config.pbtxt", ec)) {
    auto config = ReadModelConfigFile(model_dir / "config.pbtxt");
    if (config.ok()) {
      // Only a plain file name: a config must not steer the download out of the version folder.
      const std::string& name = config->default_model_filename();
      if (!name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos) return name;
    }
  }
  if (EndsWith(source_file_name, ".gguf")) return "model.gguf";
  return source_file_name;
}

// Moves the partial file into `dir` (created) as the version file and fsyncs both.
Status StageVersion(const PullTarget& target, const fs::path& dir) {
  std::error_code ec;
  fs::remove_all(dir, ec);  // left by an earlier run that stopped here
  if (!fs::create_directories(dir, ec) && ec) return FsError("cannot create", dir, ec);
  const fs::path file = dir / target.file_name;
  fs::rename(target.partial_path, file, ec);
  if (ec) return FsError("cannot move the download to", file, ec);
  if (auto st = SyncPath(file, false); !st.ok()) return st;
  return SyncPath(dir, true);
}

// Puts back the file if installing failed after staging, so a rerun resumes
// from a complete partial file instead of downloading again.
void Unstage(const PullTarget& target, const fs::path& staged_file) {
  std::error_code ec;
  if (fs::exists(staged_file, ec)) fs::rename(staged_file, target.partial_path, ec);
}

void RemoveStaging(const PullTarget& target) {
  std::error_code ec;
  fs::remove_all(target.staging_dir, ec);
  fs::remove(target.repository / kStagingRoot, ec);  // only if empty; other pulls may be in it
}

// No model folder yet: stage config.pbtxt and version 1 together and rename
// the whole folder into place. nullopt when a model folder appeared meanwhile.
StatusOr<std::optional<InstalledVersion>> InstallNewModel(const PullTarget& target) {
  const fs::path stage = target.staging_dir / "model";
  if (auto st = StageVersion(target, stage / "1"); !st.ok()) return st;
  InstalledVersion installed{1, target.model_dir / "1", false};
  if (!target.config_text.empty()) {
    if (auto st = WriteSyncedFile(stage / "config.pbtxt", target.config_text); !st.ok()) return st;
    installed.wrote_config = true;
  }
  if (auto st = SyncPath(stage, true); !st.ok()) return st;
  std::error_code ec;
  fs::rename(stage, target.model_dir, ec);
  if (ec == std::errc::directory_not_empty || ec == std::errc::file_exists) {
    Unstage(target, stage / "1" / target.file_name);
    return std::optional<InstalledVersion>();
  }
  if (ec) {
    Unstage(target, stage / "1" / target.file_name);
    return FsError("cannot rename the staged model to", target.model_dir, ec);
  }
  return std::optional<InstalledVersion>(installed);
}

StatusOr<InstalledVersion> InstallNextVersion(const PullTarget& target) {
  InstalledVersion installed;
  const fs::path config = target.model_dir / "config.pbtxt";
  std::error_code ec;
  if (!target.config_text.empty() && !fs::exists(config, ec)) {
    // Written before the version so that the version never appears without one.
    const fs::path tmp = target.model_dir / ".config.pbtxt.strato-pull";
    if (auto st = WriteSyncedFile(tmp, target.config_text); !st.ok()) return st;
    fs::rename(tmp, config, ec);
    if (ec) return FsError("cannot write", config, ec);
    installed.wrote_config = true;
  }
  const fs::path stage = target.staging_dir / "version";
  if (auto st = StageVersion(target, stage); !st.ok()) return st;
  // A concurrent pull may take N+1 between our scan and our rename: rename
  // never replaces a non-empty folder, so try the next number.
  for (int tries = 0; tries < 16; ++tries) {
    installed.version = HighestVersion(target.model_dir) + 1;
    installed.version_dir = target.model_dir / std::to_string(installed.version);
    fs::rename(stage, installed.version_dir, ec);
    if (!ec) return installed;
    if (ec != std::errc::directory_not_empty && ec != std::errc::file_exists) break;
  }
  Unstage(target, stage / target.file_name);
  return FsError("cannot rename the staged version to", installed.version_dir, ec);
}

}  // namespace

PullLock::PullLock(PullLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

PullLock::~PullLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

void ForgetPullIfEmpty(const PullTarget& target) {
  std::error_code ec;
  const auto size = fs::file_size(target.partial_path, ec);
  if (ec || size == 0) RemoveStaging(target);
}

int64_t HighestVersion(const fs::path& model_dir) {
  int64_t highest = 0;
  std::error_code ec;
  for (fs::directory_iterator it(model_dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    std::error_code dec;
    if (!it->is_directory(dec)) continue;
    if (auto v = VersionNumber(it->path().filename().string())) highest = std::max(highest, *v);
  }
  return highest;
}

std::string DefaultConfigText(const std::string& model_name, const std::string& file_name,
                              const std::string& source_url) {
  if (!EndsWith(file_name, ".gguf")) return {};
  return "# Written by `strato model pull` from " + source_url +
         "\n"
         "# Later pulls keep this file; edit it freely (see docs/backends.md).\n"
         "name: \"" + model_name + "\"\n"
         "backend: \"llamacpp\"\n"
         "max_batch_size: 0\n"
         "default_model_filename: \"" + file_name + "\"\n"
         "# The llamacpp backend's tunables, shown with their defaults:\n"
         "# parameters { key: \"context_length\" value { string_value: \"4096\" } }\n"
         "# parameters { key: \"parallel\" value { string_value: \"4\" } }\n"
         "# parameters { key: \"threads\" value { string_value: \"0\" } }  # 0 = one per core\n"
         "# parameters { key: \"batch_size\" value { string_value: \"512\" } }\n";
}

StatusOr<PullTarget> PreparePull(const fs::path& repository, const std::string& model_name,
                                 const std::string& url, const std::string& source_file_name) {
  if (auto st = CheckModelName(model_name); !st.ok()) return st;
  std::error_code ec;
  if (!fs::is_directory(repository, ec)) {
    if (!fs::create_directories(repository, ec) && ec) {
      return FsError("cannot create the model repository", repository, ec);
    }
  }
  auto url_hash = Sha256::Create();
  if (!url_hash.ok()) return url_hash.status();
  url_hash->Update(url.data(), url.size());
  PullTarget target;
  target.repository = repository;
  target.model_name = model_name;
  target.model_dir = repository / model_name;
  target.staging_dir = repository / kStagingRoot / (model_name + "." + url_hash->FinishHex().substr(0, 12));
  target.partial_path = target.staging_dir / (source_file_name + ".partial");
  target.file_name = VersionFileName(target.model_dir, source_file_name);
  target.config_text = DefaultConfigText(model_name, target.file_name, url);
  if (!fs::create_directories(target.staging_dir, ec) && ec) {
    return FsError("cannot create", target.staging_dir, ec);
  }
  return target;
}

StatusOr<PullLock> LockPull(const PullTarget& target) {
  const fs::path path = target.staging_dir / "lock";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return InternalError("cannot open '" + path.string() + "': " + std::strerror(errno));
  PullLock lock(fd);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    return FailedPreconditionError("another `strato model pull` is downloading this file into model '" +
                                   target.model_name + "' (lock " + path.string() +
                                   "); wait for it to finish");
  }
  return lock;
}

StatusOr<InstalledVersion> InstallVersion(const PullTarget& target) {
  std::error_code ec;
  if (!fs::exists(target.model_dir, ec)) {
    auto fresh = InstallNewModel(target);
    if (!fresh.ok()) return fresh.status();
    if (fresh->has_value()) {
      if (auto st = SyncPath(target.repository, true); !st.ok()) return st;
      RemoveStaging(target);
      return **fresh;
    }
  }
  auto installed = InstallNextVersion(target);
  if (!installed.ok()) return installed.status();
  if (auto st = SyncPath(target.model_dir, true); !st.ok()) return st;
  RemoveStaging(target);
  return installed;
}

}  // namespace strato::fetch
