// The step shared by ModelInfer and ModelStreamInfer: turn a received
// ModelInferRequest into an InferenceRequest and enqueue it on its model.
//
// Thread-safety: stateless; may be called from any thread.
#pragma once

#include <atomic>
#include <memory>

#include "grpc_service.pb.h"
#include "strato/core/inference.h"
#include "strato/core/status.h"
#include "strato/server/model_manager.h"

namespace strato::grpcfe {

// Looks the model up, decodes `message` (see DecodeInferRequest) and calls
// ModelVersion::Infer with `sink` and `cancelled` attached to the request.
//
// On OK the request is enqueued and exactly one final response will reach
// `sink`, possibly before this function returns (from this thread) or later
// from another thread. On error nothing was or will be sent to `sink`; the
// caller answers with the returned Status: INVALID_ARGUMENT (bad version
// string, bad input: see DecodeInferRequest and ModelVersion::Infer),
// NOT_FOUND (unknown model or version), UNAVAILABLE (model not ready or
// queue full).
// `message` is shared because input tensors may view it past this call.
Status SubmitInfer(ModelManager* manager, std::shared_ptr<const inference::ModelInferRequest> message,
                   std::shared_ptr<ResponseSink> sink, std::shared_ptr<std::atomic<bool>> cancelled);

}  // namespace strato::grpcfe
