// RegistryImpl: the Registry over one SQLite database and a blob folder.
// registry_impl.cc holds opening, names and stages; registry_versions.cc the
// version operations; registry_deployments.cc deployments and the audit log.
//
// Thread-safety: mu_ serialises use of the connection inside this process;
// SQLite's file locks serialise writers across processes.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>

#include "sqlite_db.h"
#include "strato/registry/registry.h"

namespace strato::registry {

class RegistryImpl : public Registry {
 public:
  RegistryImpl(std::filesystem::path dir, std::unique_ptr<Database> db)
      : dir_(std::move(dir)), blobs_(dir_ / "blobs" / "sha256"), db_(std::move(db)) {}

  const std::filesystem::path& dir() const override { return dir_; }
  StatusOr<VersionRecord> Push(const PushRequest& request) override;
  StatusOr<std::vector<VersionRecord>> List(std::string_view model) const override;
  StatusOr<VersionRecord> Get(std::string_view model, int64_t version) const override;
  Status SetStage(std::string_view model, int64_t version, Stage stage) override;
  Status Delete(std::string_view model, int64_t version) override;
  Status Verify(const VersionRecord& record) const override;
  Status Materialize(const VersionRecord& record,
                     const std::filesystem::path& version_dir) const override;
  StatusOr<int64_t> CollectGarbage() override;
  StatusOr<std::optional<DeploymentRecord>> GetDeployment(std::string_view model) const override;
  StatusOr<std::vector<DeploymentRecord>> ListDeployments() const override;
  Status PutDeployment(const DeploymentRecord& record, int64_t expected_generation) override;
  Status AppendAudit(const AuditEntry& entry) override;
  StatusOr<std::vector<AuditEntry>> ListAudit(std::string_view model, int limit) const override;

  // Creates the tables when absent.
  Status CreateSchema();
  // Removes temporary files left by interrupted writes.
  void SweepTemporaries() const;

 private:
  std::filesystem::path BlobPath(const std::string& sha256) const { return blobs_ / sha256; }
  // REQUIRES: mu_ held.
  StatusOr<std::vector<VersionRecord>> QueryVersionsLocked(std::string_view model, int64_t version) const;
  // REQUIRES: mu_ held. Whether a deployment references (model, version).
  StatusOr<bool> DeployedLocked(std::string_view model, int64_t version) const;

  const std::filesystem::path dir_;
  const std::filesystem::path blobs_;
  mutable std::mutex mu_;
  const std::unique_ptr<Database> db_;  // guarded by mu_
};

// The manifest digest of a version (see registry.h).
std::string ManifestDigest(const std::vector<ArtifactFile>& files, const std::string& config);

}  // namespace strato::registry
