// The files of a version pushed over the management API
// (POST /v1/registry/models/{m}/versions), written into a scratch folder
// for Registry::Push to read, and removed again when this object goes.
//
// `files` maps relative paths to base64 contents. Paths must stay inside the
// folder: absolute paths, "..", empty segments and backslashes are refused
// with INVALID_ARGUMENT naming the entry.
#pragma once

#include <rapidjson/document.h>

#include <filesystem>
#include <memory>

#include "strato/core/status.h"

namespace strato::deploy {

class UploadedVersion {
 public:
  static StatusOr<std::unique_ptr<UploadedVersion>> Write(const rapidjson::Value& files,
                                                          const std::filesystem::path& parent);
  ~UploadedVersion();
  UploadedVersion(const UploadedVersion&) = delete;
  UploadedVersion& operator=(const UploadedVersion&) = delete;

  const std::filesystem::path& dir() const { return dir_; }

 private:
  explicit UploadedVersion(std::filesystem::path dir) : dir_(std::move(dir)) {}
  std::filesystem::path dir_;
};

}  // namespace strato::deploy
