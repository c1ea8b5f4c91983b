#include "version_upload.h"

#include <atomic>
#include <chrono>
#include <fstream>
#include <string>
#include <string_view>

#include <signal.h>
#include <unistd.h>

#include <cerrno>

#include "strato/core/base64.h"

namespace strato::deploy {
namespace {

// A relative path that cannot leave the folder it is joined to.
Status CheckRelativePath(std::string_view path) {
  const std::string shown = "files['" + std::string(path.substr(0, 200)) + "']";
  if (path.empty()) return InvalidArgumentError("files: an entry has an empty path");
  if (path.front() == '/') return InvalidArgumentError(shown + ": the path must be relative");
  if (path.find('\\') != std::string_view::npos || path.find('\0') != std::string_view::npos) {
    return InvalidArgumentError(shown + ": the path holds a backslash or NUL");
  }
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t end = path.find('/', pos);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view part = path.substr(pos, end - pos);
    if (part.empty() || part == "." || part == "..") {
      return InvalidArgumentError(shown + ": empty, '.' or '..' path segments are not allowed");
    }
    pos = end + 1;
  }
  return Status::Ok();
}

// Upload folders of a push whose server process died mid-push (killed,
// crashed) are never removed by their owner: remove the ones whose pid no
// longer runs. Names are "upload-<pid>-<time>-<n>".
void RemoveAbandonedUploads(const std::filesystem::path& parent) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(parent, ec)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with("upload-")) continue;
    const size_t dash = name.find('-', 7);
    if (dash == std::string::npos) continue;
    const std::string pid_text = name.substr(7, dash - 7);
    if (pid_text.empty() || pid_text.find_first_not_of("0123456789") != std::string::npos) continue;
    const long pid = std::stol(pid_text);
    if (pid == ::getpid() || (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH)) continue;
    std::error_code ignored;
    std::filesystem::remove_all(entry.path(), ignored);
  }
}

std::filesystem::path FreshFolder(const std::filesystem::path& parent) {
  static std::atomic<uint64_t> counter{0};
  const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
  return parent / ("upload-" + std::to_string(::getpid()) + "-" + std::to_string(now) + "-" +
                   std::to_string(counter.fetch_add(1)));
}

}  // namespace

StatusOr<std::unique_ptr<UploadedVersion>> UploadedVersion::Write(const rapidjson::Value& files,
                                                                  const std::filesystem::path& parent) {
  if (!files.IsObject()) {
    return InvalidArgumentError("field 'files' must be an object mapping relative paths to base64 contents");
  }
  if (files.MemberCount() == 0) return InvalidArgumentError("field 'files' is empty: a version needs at least one file");
  std::error_code ec;
  std::filesystem::create_directories(parent, ec);
  if (ec) return InternalError("cannot create upload folder " + parent.string() + ": " + ec.message());
  RemoveAbandonedUploads(parent);
  std::unique_ptr<UploadedVersion> upload(new UploadedVersion(FreshFolder(parent)));
  if (!std::filesystem::create_directory(upload->dir_, ec) || ec) {
    return InternalError("cannot create upload folder " + upload->dir_.string() + ": " + ec.message());
  }
  for (auto it = files.MemberBegin(); it != files.MemberEnd(); ++it) {
    const std::string_view path(it->name.GetString(), it->name.GetStringLength());
    if (Status s = CheckRelativePath(path); !s.ok()) return s;
    const std::string shown = "files['" + std::string(path.substr(0, 200)) + "']";
    if (!it->value.IsString()) return InvalidArgumentError(shown + " must be a base64 string");
    auto bytes = DecodeBase64(std::string_view(it->value.GetString(), it->value.GetStringLength()));
    if (!bytes) return InvalidArgumentError(shown + " is not valid base64");
    const std::filesystem::path target = upload->dir_ / std::filesystem::path(path);
    std::filesystem::create_directories(target.parent_path(), ec);
    if (ec) return InvalidArgumentError(shown + ": cannot create its folder (" + ec.message() + ")");
    if (std::filesystem::exists(target, ec)) return InvalidArgumentError(shown + ": the path is given twice or is also a folder");
    std::ofstream out(target, std::ios::binary);
    out.write(bytes->data(), static_cast<std::streamsize>(bytes->size()));
    out.close();
    if (!out) return InternalError("cannot write " + target.string());
  }
  return upload;
}

UploadedVersion::~UploadedVersion() {
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

}  // namespace strato::deploy
