#include "strato/backend/backend.h"

namespace strato {

void BackendRegistry::Register(std::shared_ptr<const Backend> backend,
                               std::vector<std::string> aliases) {
  backends_[std::string(backend->name())] = backend;
  for (auto& a : aliases) backends_[std::move(a)] = backend;
}

const Backend* BackendRegistry::Find(std::string_view name) const {
  auto it = backends_.find(name);
  return it == backends_.end() ? nullptr : it->second.get();
}

std::vector<std::string> BackendRegistry::Names() const {
  std::vector<std::string> out;
  for (const auto& [name, b] : backends_) out.push_back(name);
  return out;
}

std::string ConfigParameter(const inference::ModelConfig& config, std::string_view key,
                            std::string_view fallback) {
  auto it = config.parameters().find(std::string(key));
  if (it == config.parameters().end()) return std::string(fallback);
  return it->second.string_value();
}

}  // namespace strato
