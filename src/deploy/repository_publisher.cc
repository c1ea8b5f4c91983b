#include "repository_publisher.h"

#include <fcntl.h>
#include <google/protobuf/text_format.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <thread>

#include "strato/config/model_config.h"
#include "strato/core/model_name.h"
#include "strato/core/safe_path.h"

namespace strato::deploy {
namespace fs = std::filesystem;

Status WriteFileAtomically(const fs::path& path, const std::string& text) {
  const fs::path temp = path.string() + ".write.tmp";
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return InternalError("cannot create '" + temp.string() + "'");
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ok = ::fsync(fd) == 0 && ok;
  ok = ::close(fd) == 0 && ok;
  if (!ok || ::rename(temp.c_str(), path.c_str()) != 0) {
    ::unlink(temp.c_str());
    return InternalError("cannot write '" + path.string() + "'");
  }
  const int dir = ::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return Status::Ok();
}

Status RepositoryPublisher::EnsureVersionFolder(const registry::VersionRecord& record) const {
  const fs::path dir = repository_ / record.model / std::to_string(record.version);
  std::error_code ec;
  bool intact = fs::is_directory(dir, ec);
  for (const auto& file : record.files) {
    if (!intact) break;
    auto sha = registry::Sha256File(dir / file.path);
    intact = sha.ok() && *sha == file.sha256;
  }
  if (intact) return Status::Ok();
  // Verifies the registry's copy before anything reaches the repository.
  RETURN_IF_ERROR(registry_->Verify(record));
  return registry_->Materialize(record, dir);
}

StatusOr<std::string> RepositoryPublisher::RenderConfig(const registry::VersionRecord& record,
                                                        const std::set<int64_t>& versions) const {
  ASSIGN_OR_RETURN(inference::ModelConfig config,
                   ParseModelConfigText(record.config, record.model + ":" + std::to_string(record.version) +
                                                           " config.pbtxt"));
  config.set_name(record.model);
  auto* specific = config.mutable_version_policy()->mutable_specific();
  specific->clear_versions();
  for (int64_t v : versions) specific->add_versions(v);
  std::string text;
  if (!google::protobuf::TextFormat::PrintToString(config, &text)) {
    return InternalError("cannot render the config of " + record.model);
  }
  return "# Written by the strato deployer from the model registry; edits are overwritten.\n" + text;
}

Status RepositoryPublisher::LoadAndWait(const std::string& model, const std::set<int64_t>& versions) const {
  Status loaded = inner_->Load(model, std::nullopt, {});
  if (loaded.code() != StatusCode::kFailedPrecondition) return loaded;
  // Not explicit mode: the repository poller picks the change up.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(load_timeout_secs_);
  while (std::chrono::steady_clock::now() < deadline) {
    std::set<int64_t> ready;
    for (const auto& v : inner_->ReadyVersions(model)) ready.insert(v->version());
    if (ready == versions) return Status::Ok();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return UnavailableError("the model manager did not load versions of '" + model + "' within " +
                          std::to_string(load_timeout_secs_) + " s; see the repository index for the reason");
}

void RepositoryPublisher::RemoveUndeployedFolders(const std::string& model,
                                                  const std::set<int64_t>& versions) const {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(repository_ / model, ec)) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_directory() || name.empty() || name.find_first_not_of("0123456789") != std::string::npos) {
      continue;
    }
    if (!versions.contains(std::stoll(name))) fs::remove_all(entry.path(), ec);
  }
}

Status RepositoryPublisher::Publish(const std::string& model, const std::set<int64_t>& versions,
                                    int64_t config_version, bool remove_others) {
  RETURN_IF_ERROR(ValidateModelName(model));
  // The model folder may already exist; a link there must not carry the
  // published files out of the repository.
  if (const fs::path folder = repository_ / model; !IsInside(repository_, folder)) {
    std::string message = folder.string();
    message += " leads out of the repository (a symbolic link); refusing to publish";
    return FailedPreconditionError(std::move(message));
  }
  ASSIGN_OR_RETURN(registry::VersionRecord config_record, registry_->Get(model, config_version));
  for (int64_t v : versions) {
    ASSIGN_OR_RETURN(registry::VersionRecord record, registry_->Get(model, v));
    RETURN_IF_ERROR(EnsureVersionFolder(record));
  }
  ASSIGN_OR_RETURN(std::string config, RenderConfig(config_record, versions));
  const fs::path config_path = repository_ / model / "config.pbtxt";
  std::string previous;
  bool had_previous = false;
  if (std::ifstream in(config_path, std::ios::binary); in) {
    previous.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    had_previous = true;
  }
  RETURN_IF_ERROR(WriteFileAtomically(config_path, config));
  Status loaded = LoadAndWait(model, versions);
  if (!loaded.ok()) {
    // Leave production as it was: the old config selects the old versions.
    if (had_previous) (void)WriteFileAtomically(config_path, previous);
    return loaded.WithPrefix("loading " + model);
  }
  if (remove_others) RemoveUndeployedFolders(model, versions);
  return Status::Ok();
}

Status RepositoryPublisher::Withdraw(const std::string& model) {
  std::error_code ec;
  fs::remove_all(repository_ / model, ec);
  if (ec)
    return InternalError("cannot remove '" + (repository_ / model).string() + "': " + ec.message());
  Status unloaded = inner_->Unload(model);
  // Poll mode: the poller forgets the removed folder by itself.
  if (unloaded.code() == StatusCode::kNotFound ||
      unloaded.code() == StatusCode::kFailedPrecondition) {
    return Status::Ok();
  }
  return unloaded;
}

}  // namespace strato::deploy
