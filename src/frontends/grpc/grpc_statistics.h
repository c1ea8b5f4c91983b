// ModelStatistics: ModelStats snapshots as Triton's statistics messages.
//
// Thread-safety: stateless; may be called from any thread.
#pragma once

#include "grpc_service.pb.h"
#include "strato/core/status.h"
#include "strato/server/model_manager.h"

namespace strato::grpcfe {

// Fills one ModelStatistics from `model`'s stats snapshot.
void FillModelStatistics(ModelVersion& model, inference::ModelStatistics* out);

// Answers a ModelStatisticsRequest: every ready version of every model when
// the name is empty; every ready version of `name` when the version is
// empty; else that version. NOT_FOUND / UNAVAILABLE as ModelManager::Get,
// INVALID_ARGUMENT for a malformed version string.
Status CollectStatistics(ModelManager* manager, const inference::ModelStatisticsRequest& request,
                         inference::ModelStatisticsResponse* response);

}  // namespace strato::grpcfe
