// Publishes registry versions into a Triton-style model repository and has
// the model manager serve them: <repo>/<model>/<v>/ holds the version's files
// (materialised and checksum-verified), <repo>/<model>/config.pbtxt the
// config with a `specific` version policy naming exactly the deployed
// versions.
//
// Thread-safety: callers serialise Publish per model (the deployer's
// per-model lock); different models may publish concurrently.
#pragma once

#include <filesystem>
#include <set>
#include <string>

#include "strato/registry/registry.h"
#include "strato/server/model_manager.h"

namespace strato::deploy {

class RepositoryPublisher {
 public:
  RepositoryPublisher(std::filesystem::path repository, registry::Registry* registry, ModelManager* inner,
                      int load_timeout_secs)
      : repository_(std::move(repository)), registry_(registry), inner_(inner),
        load_timeout_secs_(load_timeout_secs) {}

  // The config.pbtxt text for `record` selecting `versions`.
  StatusOr<std::string> RenderConfig(const registry::VersionRecord& record,
                                     const std::set<int64_t>& versions) const;
  // Makes `model` serve exactly `versions`, with the config stored with
  // `config_version`. Blocks until they are ready. On error the previous
  // config.pbtxt is restored and the serving versions are unchanged.
  // `remove_others` also deletes the folders of versions not in `versions`
  // (false keeps them, e.g. a canary that is loaded in a second step).
  Status Publish(const std::string& model, const std::set<int64_t>& versions,
                 int64_t config_version, bool remove_others = true);
  // Removes `model` from the repository and the model manager (after its
  // first publish failed: nothing of it was serving).
  Status Withdraw(const std::string& model);

 private:
  // Materialises `version` unless an intact copy is already in place.
  Status EnsureVersionFolder(const registry::VersionRecord& record) const;
  // Explicit mode: Load; poll mode: wait until the versions are ready.
  Status LoadAndWait(const std::string& model, const std::set<int64_t>& versions) const;
  void RemoveUndeployedFolders(const std::string& model, const std::set<int64_t>& versions) const;

  const std::filesystem::path repository_;
  registry::Registry* const registry_;
  ModelManager* const inner_;
  const int load_timeout_secs_;
};

// Writes `text` to `path` crash-safely (temp file, fsync, rename, fsync dir).
Status WriteFileAtomically(const std::filesystem::path& path, const std::string& text);

}  // namespace strato::deploy
