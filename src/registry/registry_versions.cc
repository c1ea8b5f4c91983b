// RegistryImpl: pushing, reading, verifying and materialising versions.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <fstream>
#include <iterator>
#include <set>
#include <system_error>

#include "crash_point.h"
#include "durable_file.h"
#include "record_json.h"
#include "registry_impl.h"
#include "strato/core/safe_path.h"

namespace strato::registry {
namespace fs = std::filesystem;
namespace {

int64_t NowUnixMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

constexpr std::chrono::minutes kGarbageMinAge(10);

std::string VersionName(std::string_view model, int64_t version) {
  return std::string(model) + ":" + std::to_string(version);
}

// The files of a push, sorted by relative path; config.pbtxt at the top is
// returned apart.
struct SourceFiles {
  std::vector<std::pair<std::string, fs::path>> files;  // relative path, absolute path
  std::string config;
};

Status UnwrapVersionFolder(const fs::path& dir, SourceFiles* source);

StatusOr<SourceFiles> CollectSource(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return InvalidArgumentError("'" + dir.string() + "' is not a folder; push a model version folder");
  }
  SourceFiles out;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    // A link (to a file or a folder, inside or outside the pushed folder) is
    // refused: the version must be exactly the bytes in the folder, and a
    // link could name a file the pusher should not read (/etc/shadow).
    if (it->is_symlink(ec)) {
      return InvalidArgumentError("'" + it->path().string() +
                                  "' is a symbolic link; push real files only (copy the target in)");
    }
    if (it->is_directory(ec)) continue;
    const std::string rel = fs::relative(it->path(), dir, ec).generic_string();
    if (!it->is_regular_file(ec)) {
      return InvalidArgumentError("'" + it->path().string() +
                                  "' is not a regular file (a device, FIFO or socket)");
    }
    if (rel == "config.pbtxt") {
      std::ifstream in(it->path(), std::ios::binary);
      out.config.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
      continue;
    }
    out.files.emplace_back(rel, it->path());
  }
  if (ec) return InternalError("cannot list '" + dir.string() + "': " + ec.message());
  if (out.files.empty()) {
    return InvalidArgumentError("'" + dir.string() + "' holds no model files (only config.pbtxt or nothing)");
  }
  RETURN_IF_ERROR(UnwrapVersionFolder(dir, &out));
  std::sort(out.files.begin(), out.files.end());
  return out;
}

// A Triton model folder (<model>/config.pbtxt + <model>/<N>/...) pushed as
// it is: every file sits in one numbered folder, which is the version's
// content. Several numbered folders are several versions: refused.
Status UnwrapVersionFolder(const fs::path& dir, SourceFiles* source) {
  std::set<std::string> tops;
  for (const auto& [rel, path] : source->files) {
    const auto slash = rel.find('/');
    if (slash == std::string::npos)
      return Status::Ok();  // a file at the top: a version folder already
    tops.insert(rel.substr(0, slash));
  }
  for (const auto& top : tops) {
    if (top.empty() || top.find_first_not_of("0123456789") != std::string::npos)
      return Status::Ok();
  }
  if (tops.size() > 1) {
    std::string list;
    for (const auto& top : tops) {
      if (!list.empty()) list += ", ";
      list += top + "/";
    }
    return InvalidArgumentError(
        "'" + dir.string() + "' is a Triton model folder with several versions (" + list +
        "); push one version at a time: copy config.pbtxt into a version folder "
        "and push that folder");
  }
  const std::string prefix = *tops.begin() + "/";
  for (auto& [rel, path] : source->files) rel = rel.substr(prefix.size());
  return Status::Ok();
}

}  // namespace

StatusOr<VersionRecord> RegistryImpl::Push(const PushRequest& request) {
  RETURN_IF_ERROR(ValidateModelName(request.model));
  if (!request.lineage.parent.empty()) {
    // "model:version", or a version of the same model.
    const std::string& parent = request.lineage.parent;
    const auto colon = parent.rfind(':');
    const std::string parent_model =
        colon == std::string::npos ? request.model : parent.substr(0, colon);
    const std::string number = colon == std::string::npos ? parent : parent.substr(colon + 1);
    int64_t parent_version = 0;
    auto [ptr, err] = std::from_chars(number.data(), number.data() + number.size(), parent_version);
    if (err != std::errc() || ptr != number.data() + number.size() || parent_version <= 0) {
      return InvalidArgumentError("lineage parent '" + parent +
                                  "' must look like MODEL:VERSION (e.g. " + request.model + ":3)");
    }
    if (!Get(parent_model, parent_version).ok()) {
      return NotFoundError("lineage parent '" + parent + "' is not a version in this registry");
    }
  }
  ASSIGN_OR_RETURN(SourceFiles source, CollectSource(request.source_dir));
  VersionRecord record;
  record.model = request.model;
  record.config = source.config;
  record.labels = request.labels;
  record.metrics = request.metrics;
  record.lineage = request.lineage;
  record.created_by = request.created_by;
  record.created_at = NowUnixMs() / 1000;
  // Blobs first, each complete and durable before the catalogue names it.
  for (const auto& [rel, path] : source.files) {
    ASSIGN_OR_RETURN(TempCopy copy, CopyToTemp(path, blobs_));
    std::error_code ec;
    if (fs::exists(BlobPath(copy.sha256), ec)) {
      fs::remove(copy.temp, ec);  // same content is already stored
      // Fresh mtime: CollectGarbage spares young blobs, so an orphan reused
      // here cannot be collected before this version's row is committed.
      fs::last_write_time(BlobPath(copy.sha256), fs::file_time_type::clock::now(), ec);
    } else {
      RETURN_IF_ERROR(CommitTemp(copy.temp, BlobPath(copy.sha256)));
    }
    record.files.push_back({rel, copy.sha256, copy.size});
    if (request.progress) request.progress(record.files.size(), source.files.size(), record.total_bytes());
  }
  CrashPoint("blobs_written");
  record.digest = ManifestDigest(record.files, record.config);

  std::lock_guard<std::mutex> lock(mu_);
  Transaction tx(db_.get());
  RETURN_IF_ERROR(tx.begun());
  ASSIGN_OR_RETURN(Statement max, db_->Prepare("SELECT COALESCE(MAX(version), 0) FROM versions WHERE model = ?"));
  max.Bind(1, record.model);
  ASSIGN_OR_RETURN(bool row, max.Step());
  record.version = (row ? max.Int(0) : 0) + 1;
  ASSIGN_OR_RETURN(Statement insert, db_->Prepare(
      "INSERT INTO versions(model, version, digest, config, files, stage, labels, metrics, lineage, "
      "created_by, created_at) VALUES(?,?,?,?,?,?,?,?,?,?,?)"));
  insert.Bind(1, record.model).Bind(2, record.version).Bind(3, record.digest).Bind(4, record.config);
  insert.Bind(5, FilesToJson(record.files)).Bind(6, StageName(record.stage));
  insert.Bind(7, LabelsToJson(record.labels)).Bind(8, MetricsToJson(record.metrics));
  insert.Bind(9, LineageToJson(record.lineage)).Bind(10, record.created_by).Bind(11, record.created_at);
  RETURN_IF_ERROR(insert.Run());
  ASSIGN_OR_RETURN(Statement audit, db_->Prepare(
      "INSERT INTO audit(time_ms, model, action, actor, detail) VALUES(?,?,?,?,?)"));
  audit.Bind(1, NowUnixMs()).Bind(2, record.model).Bind(3, std::string_view("push"));
  audit.Bind(4, record.created_by).Bind(5, "{\"version\":" + std::to_string(record.version) +
                                               ",\"digest\":\"" + record.digest + "\"}");
  RETURN_IF_ERROR(audit.Run());
  CrashPoint("before_commit");
  RETURN_IF_ERROR(tx.Commit());
  CrashPoint("after_commit");
  return record;
}

StatusOr<std::vector<VersionRecord>> RegistryImpl::QueryVersionsLocked(std::string_view model,
                                                                      int64_t version) const {
  ASSIGN_OR_RETURN(Statement q, db_->Prepare(
      "SELECT model, version, digest, config, files, stage, labels, metrics, lineage, created_by, "
      "created_at FROM versions WHERE (?1 = '' OR model = ?1) AND (?2 = 0 OR version = ?2) "
      "ORDER BY model, version"));
  q.Bind(1, model).Bind(2, version);
  std::vector<VersionRecord> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    VersionRecord r;
    r.model = q.Text(0);
    r.version = q.Int(1);
    r.digest = q.Text(2);
    r.config = q.Text(3);
    ASSIGN_OR_RETURN(r.files, FilesFromJson(q.Text(4)));
    ASSIGN_OR_RETURN(r.stage, ParseStage(q.Text(5)));
    ASSIGN_OR_RETURN(r.labels, LabelsFromJson(q.Text(6)));
    ASSIGN_OR_RETURN(r.metrics, MetricsFromJson(q.Text(7)));
    ASSIGN_OR_RETURN(r.lineage, LineageFromJson(q.Text(8)));
    r.created_by = q.Text(9);
    r.created_at = q.Int(10);
    out.push_back(std::move(r));
  }
  return out;
}

StatusOr<std::vector<VersionRecord>> RegistryImpl::List(std::string_view model) const {
  std::lock_guard<std::mutex> lock(mu_);
  return QueryVersionsLocked(model, 0);
}

StatusOr<VersionRecord> RegistryImpl::Get(std::string_view model, int64_t version) const {
  if (version <= 0) return InvalidArgumentError("version must be a positive integer");
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(auto found, QueryVersionsLocked(model, version));
  if (!found.empty()) return std::move(found.front());
  ASSIGN_OR_RETURN(auto any, QueryVersionsLocked(model, 0));
  if (any.empty()) return NotFoundError("unknown model '" + std::string(model) + "' in the registry");
  return NotFoundError("unknown version " + VersionName(model, version) + " (the newest is " +
                       std::to_string(any.back().version) + ")");
}

Status RegistryImpl::SetStage(std::string_view model, int64_t version, Stage stage) {
  RETURN_IF_ERROR(Get(model, version).status());
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(Statement q, db_->Prepare("UPDATE versions SET stage = ? WHERE model = ? AND version = ?"));
  q.Bind(1, StageName(stage)).Bind(2, model).Bind(3, version);
  return q.Run();
}

StatusOr<bool> RegistryImpl::DeployedLocked(std::string_view model, int64_t version) const {
  ASSIGN_OR_RETURN(Statement q, db_->Prepare(
      "SELECT COUNT(*) FROM deployments WHERE model = ?1 AND (production = ?2 OR canary = ?2 OR shadow = ?2)"));
  q.Bind(1, model).Bind(2, version);
  ASSIGN_OR_RETURN(bool row, q.Step());
  return row && q.Int(0) > 0;
}

Status RegistryImpl::Delete(std::string_view model, int64_t version) {
  RETURN_IF_ERROR(Get(model, version).status());
  std::lock_guard<std::mutex> lock(mu_);
  Transaction tx(db_.get());
  RETURN_IF_ERROR(tx.begun());
  ASSIGN_OR_RETURN(bool deployed, DeployedLocked(model, version));
  if (deployed) {
    return AbortedError("cannot delete " + VersionName(model, version) +
                        ": it serves traffic (production, canary or shadow); roll it back or promote "
                        "another version first");
  }
  ASSIGN_OR_RETURN(Statement q, db_->Prepare("DELETE FROM versions WHERE model = ? AND version = ?"));
  q.Bind(1, model).Bind(2, version);
  RETURN_IF_ERROR(q.Run());
  return tx.Commit();
}

Status RegistryImpl::Verify(const VersionRecord& record) const {
  for (const auto& f : record.files) {
    std::error_code ec;
    const fs::path blob = BlobPath(f.sha256);
    if (!fs::exists(blob, ec)) {
      return NotFoundError("artifact '" + f.path + "' of " + VersionName(record.model, record.version) +
                           " is missing from the registry (blob " + f.sha256 + ")");
    }
    ASSIGN_OR_RETURN(std::string actual, Sha256File(blob));
    if (actual != f.sha256) {
      return InternalError("artifact '" + f.path + "' of " + VersionName(record.model, record.version) +
                           " is corrupt: sha256 " + actual + ", expected " + f.sha256 +
                           "; refusing to serve it (push the version again)");
    }
  }
  return Status::Ok();
}

Status RegistryImpl::Materialize(const VersionRecord& record, const fs::path& version_dir) const {
  std::error_code ec;
  const fs::path staging = version_dir.string() + ".staging" + std::string(kTempSuffix);
  fs::remove_all(staging, ec);
  fs::create_directories(staging, ec);
  if (ec) return InternalError("cannot create '" + staging.string() + "': " + ec.message());
  auto fail = [&](Status status) {
    std::error_code ignored;
    fs::remove_all(staging, ignored);
    return status;
  };
  for (const auto& f : record.files) {
    // Paths come from the catalogue; never trust them to stay inside.
    auto inside = ResolveInside(staging, f.path, "artifact '" + f.path + "'");
    if (!inside.ok()) return fail(inside.status());
    const fs::path target = *inside;
    fs::create_directories(target.parent_path(), ec);
    auto copy = CopyToTemp(BlobPath(f.sha256), target.parent_path());
    if (!copy.ok()) {
      return fail(NotFoundError("artifact '" + f.path + "' of " + VersionName(record.model, record.version) +
                                " cannot be read from the registry: " + copy.status().message()));
    }
    if (copy->sha256 != f.sha256 || copy->size != f.size) {
      fs::remove(copy->temp, ec);
      return fail(InternalError("artifact '" + f.path + "' of " + VersionName(record.model, record.version) +
                                " is corrupt: sha256 " + copy->sha256 + ", expected " + f.sha256 +
                                "; refusing to serve it (push the version again)"));
    }
    Status committed = CommitTemp(copy->temp, target);
    if (!committed.ok()) return fail(committed);
  }
  RETURN_IF_ERROR(FsyncDir(staging));
  const fs::path old = version_dir.string() + ".old" + std::string(kTempSuffix);
  fs::remove_all(old, ec);
  if (fs::exists(version_dir, ec)) fs::rename(version_dir, old, ec);
  fs::rename(staging, version_dir, ec);
  if (ec) return fail(InternalError("cannot move '" + staging.string() + "' into place: " + ec.message()));
  fs::remove_all(old, ec);
  return FsyncDir(version_dir.parent_path());
}

StatusOr<int64_t> RegistryImpl::CollectGarbage() {
  std::set<std::string> referenced;
  {
    std::lock_guard<std::mutex> lock(mu_);
    ASSIGN_OR_RETURN(auto versions, QueryVersionsLocked("", 0));
    for (const auto& v : versions) {
      for (const auto& f : v.files) referenced.insert(f.sha256);
    }
  }
  int64_t removed = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(blobs_, ec)) {
    const std::string name = entry.path().filename().string();
    if (IsTempName(entry.path()) || referenced.contains(name)) continue;
    // A blob written by a push that has not committed yet is unreferenced
    // for a moment: only collect blobs older than any push can take.
    const auto age = fs::file_time_type::clock::now() - fs::last_write_time(entry.path(), ec);
    if (ec || age < kGarbageMinAge) continue;
    if (fs::remove(entry.path(), ec)) ++removed;
  }
  return removed;
}

}  // namespace strato::registry
