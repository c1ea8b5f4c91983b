// Repository scanning: what models and versions the repository folders hold.
//
// A scan lists every subfolder of every repository as a model; a model's
// numeric subfolders ("1", "42") are its versions. A scan never parses
// configs: it records config.pbtxt's contents and a fingerprint of each
// version folder so that the poller can tell what changed.
//
// Thread-safety: free functions without shared state; a scan result is a value.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "strato/core/status.h"

namespace strato {

struct ScannedModel {
  std::string name;
  std::filesystem::path model_dir;                // <repo>/<name> (the first one found)
  std::vector<std::filesystem::path> duplicates;  // the same name in further repositories
  std::optional<std::string> config_text;         // config.pbtxt contents; nullopt if absent
  // Version number -> fingerprint of that folder (file names, sizes, mtimes).
  std::map<int64_t, std::string> versions;

  // Changes whenever config.pbtxt or any version folder changes.
  std::string Fingerprint() const;
  // "model 'x' is in several repositories: a, b", or empty when unique.
  std::string DuplicateReason() const;
};

// Fails with NOT_FOUND naming the first repository that is not a folder.
Status CheckRepositories(const std::vector<std::string>& repositories);

// Scans every repository, keyed by model name. Unreadable folders are
// skipped (a repository that vanished between scans yields no models).
std::map<std::string, ScannedModel> ScanRepositories(const std::vector<std::string>& repositories);

// Scans one model folder (also used for load-with-files temp folders).
ScannedModel ScanModelDir(const std::string& name, const std::filesystem::path& model_dir);

// Parses a version folder name: digits only, no sign, fits int64, > 0.
std::optional<int64_t> ParseVersionDirName(const std::string& name);

}  // namespace strato
