#include "repository.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <system_error>

namespace strato {
namespace fs = std::filesystem;
namespace {

std::optional<std::string> ReadSmallFile(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Names, sizes and mtimes of every file under `dir`, sorted, so that an
// in-place replacement of a model file changes the fingerprint too.
std::string FingerprintDir(const fs::path& dir) {
  std::vector<std::string> parts;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
  if (ec) return "unreadable";
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    std::error_code fec;
    const auto rel = fs::relative(it->path(), dir, fec).string();
    std::string part = rel;
    if (it->is_regular_file(fec)) {
      // Appended piecewise: GCC 12 misreports ":" + std::string as -Wrestrict.
      part += ':';
      part += std::to_string(it->file_size(fec));
      part += ':';
      part += std::to_string(it->last_write_time(fec).time_since_epoch().count());
    }
    parts.push_back(std::move(part));
  }
  std::sort(parts.begin(), parts.end());
  std::string out;
  for (const auto& p : parts) out += p + "\n";
  return out;
}

}  // namespace

std::string ScannedModel::Fingerprint() const {
  std::string out = config_text ? "config:" + *config_text : "noconfig";
  for (const auto& [v, fp] : versions) out += "\nversion " + std::to_string(v) + "\n" + fp;
  return out;
}

std::string ScannedModel::DuplicateReason() const {
  if (duplicates.empty()) return {};
  std::string out = "model '" + name + "' is in several repositories: " + model_dir.string();
  for (const auto& d : duplicates) out += ", " + d.string();
  return out;
}

std::optional<int64_t> ParseVersionDirName(const std::string& name) {
  if (name.empty() || name.size() > 18) return std::nullopt;  // 18 digits always fit int64
  int64_t v = 0;
  for (char c : name) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  if (v <= 0) return std::nullopt;
  return v;
}

Status CheckRepositories(const std::vector<std::string>& repositories) {
  if (repositories.empty()) return InvalidArgumentError("no model repository given");
  for (const auto& repo : repositories) {
    std::error_code ec;
    if (!fs::is_directory(repo, ec)) {
      return NotFoundError("model repository '" + repo + "' is not a folder");
    }
  }
  return Status::Ok();
}

ScannedModel ScanModelDir(const std::string& name, const fs::path& model_dir) {
  ScannedModel model;
  model.name = name;
  model.model_dir = model_dir;
  model.config_text = ReadSmallFile(model_dir / "config.pbtxt");
  std::error_code ec;
  for (fs::directory_iterator it(model_dir, ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    std::error_code dec;
    if (!it->is_directory(dec)) continue;
    auto version = ParseVersionDirName(it->path().filename().string());
    if (version) model.versions[*version] = FingerprintDir(it->path());
  }
  return model;
}

std::map<std::string, ScannedModel> ScanRepositories(const std::vector<std::string>& repositories) {
  std::map<std::string, ScannedModel> models;
  for (const auto& repo : repositories) {
    std::error_code ec;
    std::vector<fs::path> dirs;
    for (fs::directory_iterator it(repo, ec); !ec && it != fs::directory_iterator();
         it.increment(ec)) {
      std::error_code dec;
      const std::string base = it->path().filename().string();
      // Hidden folders (".git", editor droppings) are never models.
      if (it->is_directory(dec) && !base.empty() && base[0] != '.') dirs.push_back(it->path());
    }
    std::sort(dirs.begin(), dirs.end());  // deterministic "first one found"
    for (const auto& dir : dirs) {
      const std::string name = dir.filename().string();
      auto found = models.find(name);
      if (found != models.end()) {
        found->second.duplicates.push_back(dir);
        continue;
      }
      models.emplace(name, ScanModelDir(name, dir));
    }
  }
  return models;
}

}  // namespace strato
