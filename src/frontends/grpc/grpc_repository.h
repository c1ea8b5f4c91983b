// The model repository extension's message conversions.
//
// Thread-safety: stateless; may be called from any thread.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "grpc_service.pb.h"
#include "strato/core/status.h"
#include "strato/server/model_manager.h"

namespace strato::grpcfe {

// Load parameters as ModelManager::Load takes them: "config" (string_param,
// the JSON config) and "file:<version>/<name>" (bytes_param, or
// string_param). INVALID_ARGUMENT for a "config" that is not a string, a
// file without content, or files without "config". Other parameters are
// ignored.
Status ParseLoadParameters(const inference::RepositoryModelLoadRequest& request,
                           std::optional<std::string>* config_json,
                           std::map<std::string, std::string>* files);

// Fills the index (repository_name is ignored: model names are unique
// across repositories).
void FillRepositoryIndex(ModelManager* manager, const inference::RepositoryIndexRequest& request,
                         inference::RepositoryIndexResponse* response);

}  // namespace strato::grpcfe
