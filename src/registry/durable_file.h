// Crash-safe file writes: data goes to a temporary name in the target
// folder and is fsynced (CopyToTemp); the caller checks its digest and then
// renames it into place and fsyncs the folder (CommitTemp). After a crash a
// target is either absent or complete, never partial; leftovers carry
// kTempSuffix and are swept by Registry::Open.
//
// Thread-safety: free functions; temp names are unique per call.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "strato/core/status.h"

namespace strato::registry {

inline constexpr std::string_view kTempSuffix = ".tmp";

struct TempCopy {
  std::filesystem::path temp;  // fsynced, in the requested folder
  std::string sha256;          // of the bytes copied
  uint64_t size = 0;
};

// Copies `source` to a new temporary file in `dir`, hashing it on the way.
// INTERNAL names the failing path; nothing is left behind on error.
StatusOr<TempCopy> CopyToTemp(const std::filesystem::path& source, const std::filesystem::path& dir);
// Renames `temp` to `target` (same folder) and fsyncs the folder.
Status CommitTemp(const std::filesystem::path& temp, const std::filesystem::path& target);
// fsyncs a folder so that renames and creations in it survive a crash.
Status FsyncDir(const std::filesystem::path& dir);
// Whether a file name is a temporary left by an interrupted write.
bool IsTempName(const std::filesystem::path& path);

}  // namespace strato::registry
