#include "registry_impl.h"

#include <system_error>

#include "durable_file.h"
#include "strato/core/model_name.h"

namespace strato::registry {
namespace fs = std::filesystem;

std::string_view StageName(Stage stage) {
  switch (stage) {
    case Stage::kStaging: return "staging";
    case Stage::kCanary: return "canary";
    case Stage::kProduction: return "production";
    case Stage::kArchived: return "archived";
  }
  return "staging";
}

StatusOr<Stage> ParseStage(std::string_view name) {
  for (Stage s : {Stage::kStaging, Stage::kCanary, Stage::kProduction, Stage::kArchived}) {
    if (StageName(s) == name) return s;
  }
  return InvalidArgumentError("unknown stage '" + std::string(name) +
                              "'; use staging, canary, production or archived");
}

// One rule for every entry point: strato/core/model_name.h.
Status ValidateModelName(std::string_view name) { return strato::ValidateModelName(name); }

uint64_t VersionRecord::total_bytes() const {
  uint64_t total = 0;
  for (const auto& f : files) total += f.size;
  return total;
}

std::string ManifestDigest(const std::vector<ArtifactFile>& files, const std::string& config) {
  std::string manifest;
  for (const auto& f : files) {
    manifest += f.sha256 + " " + std::to_string(f.size) + " " + f.path + "\n";
  }
  manifest += "config " + Sha256Hex(config) + "\n";
  return Sha256Hex(manifest);
}

Status RegistryImpl::CreateSchema() {
  std::lock_guard<std::mutex> lock(mu_);
  return db_->Exec(R"sql(
CREATE TABLE IF NOT EXISTS versions(
  model TEXT NOT NULL, version INTEGER NOT NULL, digest TEXT NOT NULL, config TEXT NOT NULL,
  files TEXT NOT NULL, stage TEXT NOT NULL, labels TEXT NOT NULL, metrics TEXT NOT NULL,
  lineage TEXT NOT NULL, created_by TEXT NOT NULL, created_at INTEGER NOT NULL,
  PRIMARY KEY(model, version));
CREATE TABLE IF NOT EXISTS deployments(
  model TEXT PRIMARY KEY, production INTEGER NOT NULL, canary INTEGER NOT NULL,
  canary_weight REAL NOT NULL, shadow INTEGER NOT NULL, sticky_key TEXT NOT NULL,
  generation INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS audit(
  id INTEGER PRIMARY KEY AUTOINCREMENT, time_ms INTEGER NOT NULL, model TEXT NOT NULL,
  action TEXT NOT NULL, actor TEXT NOT NULL, detail TEXT NOT NULL);
)sql");
}

void RegistryImpl::SweepTemporaries() const {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(blobs_, ec)) {
    if (IsTempName(entry.path())) fs::remove(entry.path(), ec);
  }
}

StatusOr<std::unique_ptr<Registry>> Registry::Open(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir / "blobs" / "sha256", ec);
  if (ec) return InternalError("cannot create registry folder '" + dir.string() + "': " + ec.message());
  ASSIGN_OR_RETURN(std::unique_ptr<Database> db, Database::Open((dir / "catalog.db").string()));
  auto registry = std::make_unique<RegistryImpl>(dir, std::move(db));
  RETURN_IF_ERROR(registry->CreateSchema());
  registry->SweepTemporaries();
  return std::unique_ptr<Registry>(std::move(registry));
}

}  // namespace strato::registry
