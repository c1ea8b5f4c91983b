// The model registry: every pushed model version, immutable and
// content-addressed, with its metadata, and the catalogue of deployments and
// the audit log that the deploy layer writes.
//
// On disk (one folder):
//   <dir>/catalog.db            SQLite catalogue, WAL mode, synchronous=FULL
//   <dir>/blobs/sha256/<hex>    one file per distinct content (sha256 of it)
//
// A version is a set of files (its model folder: everything but config.pbtxt)
// plus the model config text. Its digest is the sha256 of its manifest (the
// sorted "sha256 size path" lines and the config's sha256), so equal content
// gives an equal digest.
//
// Durability and crash consistency: Push writes every blob to a temporary
// name, fsyncs it, renames it to its digest and fsyncs the folder; only then
// does it insert the version in one SQLite transaction. A process killed at
// any point leaves either the whole version (row + every blob) or no row (at
// most some unreferenced blobs, which are harmless and removed by
// CollectGarbage once old; temporary files are removed when the registry is opened).
//
// Immutability: a version's files, config, digest, metrics and lineage never
// change after Push; only its stage and labels can (SetStage, SetLabels).
//
// Thread-safety: a Registry may be used from several threads (SQLite runs in
// serialized mode and every multi-statement change is one transaction).
// Several processes may open the same folder (SQLite locking, busy timeout).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "strato/core/status.h"

namespace strato::registry {

enum class Stage { kStaging, kCanary, kProduction, kArchived };

std::string_view StageName(Stage stage);
// "staging", "canary", "production" or "archived"; INVALID_ARGUMENT otherwise.
StatusOr<Stage> ParseStage(std::string_view name);

struct ArtifactFile {
  std::string path;    // relative to the version folder, '/'-separated
  std::string sha256;  // lowercase hex
  uint64_t size = 0;
};

// Where a version came from. Free text; the registry stores it as given.
struct Lineage {
  std::string data_hash;   // e.g. sha256 of the training data
  std::string parameters;  // training parameters (JSON or key=value text)
  std::string pipeline;    // pipeline or job that produced it
  std::string parent;      // version it was derived from ("model:version"), if any
};

struct VersionRecord {
  std::string model;
  int64_t version = 0;          // 1, 2, ... per model, assigned by Push
  std::string digest;           // sha256 of the manifest (see above)
  std::string config;           // config.pbtxt text (may be empty)
  std::vector<ArtifactFile> files;
  Stage stage = Stage::kStaging;
  std::map<std::string, std::string> labels;
  std::map<std::string, double> metrics;  // e.g. training metrics: {"auc": 0.93}
  Lineage lineage;
  std::string created_by;
  int64_t created_at = 0;       // unix seconds
  uint64_t total_bytes() const;
};

struct PushRequest {
  std::string model;
  std::filesystem::path source_dir;  // files of the version; a top-level config.pbtxt is the config
  std::map<std::string, std::string> labels;
  std::map<std::string, double> metrics;
  Lineage lineage;
  std::string created_by;
  // Called after each file is stored (files done, files in all, bytes done);
  // may be empty. For progress bars.
  std::function<void(size_t, size_t, uint64_t)> progress;
};

// One audit log row: a deployment decision or a change made by a person.
struct AuditEntry {
  int64_t id = 0;
  int64_t time_ms = 0;      // unix milliseconds
  std::string model;
  std::string action;       // push, canary, shadow, promote, rollback, archive, delete, ...
  std::string actor;        // "policy" for automatic decisions, else who asked
  std::string detail;       // JSON object with the decision's inputs
};

// A model's deployment spec, as stored (see strato/deploy/deployment.h).
struct DeploymentRecord {
  std::string model;
  int64_t production = 0;   // 0: none
  int64_t canary = 0;       // 0: none
  double canary_weight = 0; // fraction of traffic in [0, 1]
  int64_t shadow = 0;       // 0: none
  std::string sticky_key;   // request parameter that pins a caller to a version
  int64_t generation = 0;   // bumped on every change (optimistic concurrency)
};

class Registry {
 public:
  // Opens (creating when absent) the registry in `dir`. Errors: INTERNAL when
  // the folder or the database cannot be created or opened (with the path).
  static StatusOr<std::unique_ptr<Registry>> Open(const std::filesystem::path& dir);
  virtual ~Registry() = default;

  virtual const std::filesystem::path& dir() const = 0;

  // Stores a new version of `request.model` (numbered max + 1). Errors:
  // INVALID_ARGUMENT (bad model name, missing or empty folder, a file that
  // is not a regular file), INTERNAL (I/O or database failure).
  virtual StatusOr<VersionRecord> Push(const PushRequest& request) = 0;

  // Versions of `model` ascending (every model when empty). Archived ones
  // are included.
  virtual StatusOr<std::vector<VersionRecord>> List(std::string_view model) const = 0;
  // NOT_FOUND names the unknown model or version.
  virtual StatusOr<VersionRecord> Get(std::string_view model, int64_t version) const = 0;

  virtual Status SetStage(std::string_view model, int64_t version, Stage stage) = 0;
  // Deletes the version's row (its blobs go at the next CollectGarbage).
  // ABORTED (HTTP 409, a conflict) when a deployment uses it.
  virtual Status Delete(std::string_view model, int64_t version) = 0;

  // Re-hashes every file of the version. DATA_LOSS-like INTERNAL error
  // "artifact <path> of <model>:<v> is corrupt (sha256 ... expected ...)"
  // or NOT_FOUND when a blob is missing.
  virtual Status Verify(const VersionRecord& record) const = 0;

  // Writes the version's files into `version_dir` (created; must not exist
  // yet, or is replaced when it holds an older copy), verifying every blob's
  // checksum while copying; a corrupt blob leaves nothing behind. The copy
  // is built beside the target and renamed into place.
  virtual Status Materialize(const VersionRecord& record,
                             const std::filesystem::path& version_dir) const = 0;

  // Removes blobs that no version references and that are older than ten
  // minutes (younger ones may belong to a push in progress in another
  // process). Returns how many were removed.
  virtual StatusOr<int64_t> CollectGarbage() = 0;

  // Deployments.
  virtual StatusOr<std::optional<DeploymentRecord>> GetDeployment(std::string_view model) const = 0;
  virtual StatusOr<std::vector<DeploymentRecord>> ListDeployments() const = 0;
  // Stores `record` if the stored generation equals `expected_generation`
  // (0 = no deployment yet); ABORTED (a conflict) otherwise. On success the
  // stored generation is expected_generation + 1.
  virtual Status PutDeployment(const DeploymentRecord& record, int64_t expected_generation) = 0;

  // Audit log.
  virtual Status AppendAudit(const AuditEntry& entry) = 0;
  // Newest first; `model` empty = every model.
  virtual StatusOr<std::vector<AuditEntry>> ListAudit(std::string_view model, int limit) const = 0;
};

// Lowercase hex sha256 of a byte string.
std::string Sha256Hex(std::string_view data);
// Lowercase hex sha256 of a file's contents. INTERNAL when it cannot be read.
StatusOr<std::string> Sha256File(const std::filesystem::path& path);

// Model names: 1-128 characters of [A-Za-z0-9_.-], not starting with '.'.
Status ValidateModelName(std::string_view name);

}  // namespace strato::registry
