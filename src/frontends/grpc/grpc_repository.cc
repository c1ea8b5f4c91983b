#include "grpc_repository.h"

namespace strato::grpcfe {

using inference::ModelRepositoryParameter;

Status ParseLoadParameters(const inference::RepositoryModelLoadRequest& request,
                           std::optional<std::string>* config_json,
                           std::map<std::string, std::string>* files) {
  for (const auto& [key, p] : request.parameters()) {
    if (key == "config") {
      if (p.parameter_choice_case() != ModelRepositoryParameter::kStringParam) {
        return InvalidArgumentError("parameter 'config' must be a string_param holding the JSON config");
      }
      *config_json = p.string_param();
    } else if (key.starts_with("file:")) {
      if (p.parameter_choice_case() == ModelRepositoryParameter::kBytesParam) {
        (*files)[key] = p.bytes_param();
      } else if (p.parameter_choice_case() == ModelRepositoryParameter::kStringParam) {
        (*files)[key] = p.string_param();
      } else {
        return InvalidArgumentError("parameter '" + key + "' must be a bytes_param with the file content");
      }
    }
  }
  if (!files->empty() && !config_json->has_value()) {
    return InvalidArgumentError("parameter 'config' is required when 'file:' parameters are given");
  }
  return Status::Ok();
}

void FillRepositoryIndex(ModelManager* manager, const inference::RepositoryIndexRequest& request,
                         inference::RepositoryIndexResponse* response) {
  for (const ModelIndexEntry& e : manager->Index(request.ready())) {
    auto* m = response->add_models();
    m->set_name(e.name);
    m->set_version(e.version);
    m->set_state(e.state);
    m->set_reason(e.reason);
  }
}

}  // namespace strato::grpcfe
