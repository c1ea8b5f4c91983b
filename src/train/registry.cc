#include "strato/train/registry.h"

#include <openssl/evp.h>
#include <rapidjson/document.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <vector>

namespace strato::train {
namespace {

namespace fs = std::filesystem;

bool IsVersionName(const std::string& s) {
  if (s.empty() || s.size() > 18) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

Status WriteFile(const fs::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  out.close();
  if (!out) return InternalError("cannot write " + path.string());
  return Status::Ok();
}

}  // namespace

int64_t LatestVersion(const std::string& repository, const std::string& model) {
  int64_t latest = 0;
  std::error_code ec;
  const fs::path dir = fs::path(repository) / model;
  if (!fs::is_directory(dir, ec)) return 0;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_directory() && IsVersionName(name)) latest = std::max<int64_t>(latest, std::stoll(name));
  }
  return latest;
}

std::optional<double> VersionMetric(const std::string& repository, const std::string& model,
                                    int64_t version, const std::string& metric) {
  std::ifstream in(fs::path(repository) / model / std::to_string(version) / "metrics.json");
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  rapidjson::Document doc;
  doc.Parse(ss.str().c_str());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("valid")) return std::nullopt;
  const auto& valid = doc["valid"];
  if (!valid.IsObject() || !valid.HasMember(metric.c_str()) || !valid[metric.c_str()].IsNumber()) {
    return std::nullopt;
  }
  return valid[metric.c_str()].GetDouble();
}

StatusOr<int64_t> RegisterVersion(const std::string& repository, const std::string& model,
                                  const VersionFiles& files, const std::string& config_pbtxt) {
  std::error_code ec;
  const fs::path model_dir = fs::path(repository) / model;
  fs::create_directories(model_dir, ec);
  if (ec) return InternalError("cannot create " + model_dir.string() + ": " + ec.message());
  const int64_t version = LatestVersion(repository, model) + 1;
  const fs::path staging = model_dir / (".staging-" + std::to_string(version));
  fs::remove_all(staging, ec);
  fs::create_directories(staging, ec);
  if (ec) return InternalError("cannot create " + staging.string() + ": " + ec.message());
  for (const auto& [name, content] : files.files) {
    RETURN_IF_ERROR(WriteFile(staging / name, content));
  }
  const fs::path config = model_dir / "config.pbtxt";
  if (!fs::exists(config, ec)) RETURN_IF_ERROR(WriteFile(config, config_pbtxt));
  const fs::path final_dir = model_dir / std::to_string(version);
  fs::rename(staging, final_dir, ec);
  if (ec) return InternalError("cannot rename " + staging.string() + " to " + final_dir.string());
  return version;
}

StatusOr<std::string> Sha256File(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError(path + ": cannot open for hashing");
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  std::vector<char> buf(1 << 16);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    EVP_DigestUpdate(ctx.get(), buf.data(), static_cast<size_t>(in.gcount()));
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx.get(), digest, &len);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

}  // namespace strato::train
