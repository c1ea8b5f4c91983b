// Placing a downloaded file into a model repository as a new version.
//
// Layout while pulling (hidden, so `strato serve` never sees it as a model):
//   <repo>/.strato-pull/<model>.<hash of URL>/lock          flock held while pulling
//   <repo>/.strato-pull/<model>.<hash of URL>/<file>.partial the download, resumable
// On success the file moves, on the same filesystem, into a staged folder
// that is fsynced and renamed to <repo>/<model>/<N+1>/ in one step, so a
// server polling the repository sees either no new version or a whole one.
// A model folder that does not exist yet is staged whole (config.pbtxt and
// version 1) and renamed into place the same way.
//
// Thread-safety: free functions; concurrent pulls of the same URL into the
// same model are refused by the lock, different ones do not interfere (a
// version number taken by a concurrent pull makes the rename retry N+2).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "strato/core/status.h"

namespace strato::fetch {

struct PullTarget {
  std::filesystem::path repository;
  std::string model_name;
  std::filesystem::path model_dir;     // <repo>/<model>
  std::filesystem::path staging_dir;   // <repo>/.strato-pull/<model>.<hash>
  std::filesystem::path partial_path;  // <staging>/<source file>.partial
  std::string file_name;               // the file's name inside the version folder
  std::string config_text;             // config.pbtxt to write if the model has none; may be empty
};

// Holds the pull's lock file; released (and the lock file left to cleanup) on destruction.
class PullLock {
 public:
  explicit PullLock(int fd) : fd_(fd) {}
  PullLock(PullLock&& other) noexcept;
  PullLock& operator=(PullLock&&) = delete;
  ~PullLock();

 private:
  int fd_ = -1;
};

// Works out where a pull of `url` (whose file is `source_file_name`) into
// model `model_name` of `repository` goes, creating the repository folder
// if missing and the staging folder. The version file is named after the
// existing config's default_model_filename, else "model.gguf" for .gguf
// files, else the source file name. INVALID_ARGUMENT for a bad model name,
// INTERNAL when folders cannot be created.
StatusOr<PullTarget> PreparePull(const std::filesystem::path& repository,
                                 const std::string& model_name, const std::string& url,
                                 const std::string& source_file_name);

// Takes the pull's lock. FAILED_PRECONDITION when another process is pulling
// the same URL into the same model right now.
StatusOr<PullLock> LockPull(const PullTarget& target);

struct InstalledVersion {
  int64_t version = 0;
  std::filesystem::path version_dir;
  bool wrote_config = false;
};

// Moves the complete download (target.partial_path) into a new version
// folder numbered one above the highest existing one, writes config.pbtxt
// if the model has none and config_text is set, fsyncs, and removes the
// staging folder. INTERNAL naming the path on a filesystem error; the
// partial file is then left where it was so that a rerun does not download again.
StatusOr<InstalledVersion> InstallVersion(const PullTarget& target);

// After a failed download: removes the staging folder when it holds no
// downloaded byte (nothing to resume), so failed pulls leave no litter.
void ForgetPullIfEmpty(const PullTarget& target);

// Highest numeric version folder under `model_dir`; 0 when none.
int64_t HighestVersion(const std::filesystem::path& model_dir);

// config.pbtxt for a freshly pulled model: backend "llamacpp" for .gguf
// files, with the tunable parameters listed as comments. Empty for file types
// strato has no default backend for.
std::string DefaultConfigText(const std::string& model_name, const std::string& file_name,
                              const std::string& source_url);

}  // namespace strato::fetch
