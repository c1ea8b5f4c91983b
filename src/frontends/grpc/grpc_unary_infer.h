// ModelInfer over the gRPC callback API.
//
// The request message is allocated by InferMessageAllocator into a
// shared_ptr, so that input tensors can view raw_input_contents without a
// copy and keep the message alive for as long as a backend holds them, even
// after gRPC has finished the call.
//
// Thread-safety: the allocator may be used from any thread. Each call's
// reactor is driven by gRPC callbacks and by the response sink; the sink's
// final Send is the last thing that touches the call.
#pragma once

#include <grpcpp/grpcpp.h>
#include <grpcpp/support/message_allocator.h>

#include <memory>

#include "grpc_service.pb.h"
#include "strato/server/model_manager.h"

namespace strato::grpcfe {

using InferAllocator = grpc::MessageAllocator<inference::ModelInferRequest, inference::ModelInferResponse>;

// Allocates each ModelInfer call's request (shared) and response.
class InferMessageAllocator : public InferAllocator {
 public:
  grpc::MessageHolder<inference::ModelInferRequest, inference::ModelInferResponse>* AllocateMessages()
      override;
};

// Serves one ModelInfer call. `request` and `response` are the messages
// gRPC passed to the handler, which must come from InferMessageAllocator
// (the shared request is recovered from context->GetRpcAllocatorState()).
// Returns the call's reactor; it deletes itself when gRPC is done with it.
grpc::ServerUnaryReactor* StartUnaryInfer(grpc::CallbackServerContext* context,
                                          const inference::ModelInferRequest* request,
                                          inference::ModelInferResponse* response, ModelManager* manager);

}  // namespace strato::grpcfe
