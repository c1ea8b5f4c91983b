// RegistryImpl: deployment specs and the audit log.
#include <chrono>

#include "registry_impl.h"

namespace strato::registry {
namespace {

DeploymentRecord ReadDeployment(const Statement& q) {
  DeploymentRecord d;
  d.model = q.Text(0);
  d.production = q.Int(1);
  d.canary = q.Int(2);
  d.canary_weight = q.Double(3);
  d.shadow = q.Int(4);
  d.sticky_key = q.Text(5);
  d.generation = q.Int(6);
  return d;
}

constexpr char kSelectDeployment[] =
    "SELECT model, production, canary, canary_weight, shadow, sticky_key, generation FROM deployments";

}  // namespace

StatusOr<std::optional<DeploymentRecord>> RegistryImpl::GetDeployment(std::string_view model) const {
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(Statement q, db_->Prepare(std::string(kSelectDeployment) + " WHERE model = ?"));
  q.Bind(1, model);
  ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return std::optional<DeploymentRecord>();
  return std::optional<DeploymentRecord>(ReadDeployment(q));
}

StatusOr<std::vector<DeploymentRecord>> RegistryImpl::ListDeployments() const {
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(Statement q, db_->Prepare(std::string(kSelectDeployment) + " ORDER BY model"));
  std::vector<DeploymentRecord> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) return out;
    out.push_back(ReadDeployment(q));
  }
}

Status RegistryImpl::PutDeployment(const DeploymentRecord& record, int64_t expected_generation) {
  std::lock_guard<std::mutex> lock(mu_);
  Transaction tx(db_.get());
  RETURN_IF_ERROR(tx.begun());
  ASSIGN_OR_RETURN(Statement q, db_->Prepare("SELECT generation FROM deployments WHERE model = ?"));
  q.Bind(1, record.model);
  ASSIGN_OR_RETURN(bool row, q.Step());
  const int64_t stored = row ? q.Int(0) : 0;
  if (stored != expected_generation) {
    return AbortedError("deployment of '" + record.model + "' changed concurrently (generation " +
                        std::to_string(stored) + ", expected " + std::to_string(expected_generation) +
                        "); reload it and retry");
  }
  ASSIGN_OR_RETURN(Statement put, db_->Prepare(
      "INSERT OR REPLACE INTO deployments(model, production, canary, canary_weight, shadow, sticky_key, "
      "generation) VALUES(?,?,?,?,?,?,?)"));
  put.Bind(1, record.model).Bind(2, record.production).Bind(3, record.canary);
  put.Bind(4, record.canary_weight).Bind(5, record.shadow).Bind(6, record.sticky_key);
  put.Bind(7, expected_generation + 1);
  RETURN_IF_ERROR(put.Run());
  return tx.Commit();
}

Status RegistryImpl::AppendAudit(const AuditEntry& entry) {
  const int64_t now = entry.time_ms != 0
                          ? entry.time_ms
                          : std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count();
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(Statement q, db_->Prepare(
      "INSERT INTO audit(time_ms, model, action, actor, detail) VALUES(?,?,?,?,?)"));
  q.Bind(1, now).Bind(2, entry.model).Bind(3, entry.action).Bind(4, entry.actor);
  q.Bind(5, entry.detail.empty() ? std::string_view("{}") : std::string_view(entry.detail));
  return q.Run();
}

StatusOr<std::vector<AuditEntry>> RegistryImpl::ListAudit(std::string_view model, int limit) const {
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(Statement q, db_->Prepare(
      "SELECT id, time_ms, model, action, actor, detail FROM audit WHERE (?1 = '' OR model = ?1) "
      "ORDER BY id DESC LIMIT ?2"));
  q.Bind(1, model).Bind(2, static_cast<int64_t>(limit > 0 ? limit : 100));
  std::vector<AuditEntry> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) return out;
    out.push_back({q.Int(0), q.Int(1), q.Text(2), q.Text(3), q.Text(4), q.Text(5)});
  }
}

}  // namespace strato::registry
