// ModelStreamInfer over the gRPC callback API (a bidirectional stream).
//
// Each received ModelInferRequest is submitted as soon as it is read (the
// next read starts at once, so requests pipeline). Its responses become
// ModelStreamInferResponse messages; a request that fails, at submission or
// in the model, yields one message with error_message set and the stream
// stays open. Messages are written one at a time and in request order:
// responses of a later request wait until every response of the earlier
// ones has been written (head-of-line, like Triton's ordered stream).
//
// The stream ends with OK once the client has half-closed and every request
// has had its final response written. When the client cancels, in-flight
// requests are cancelled, unwritten responses dropped, and the stream ends
// when the last of them has answered.
//
// Thread-safety: internal; gRPC callbacks and response sinks (any thread)
// share one mutex-protected state.
#pragma once

#include <grpcpp/grpcpp.h>

#include "grpc_service.pb.h"
#include "strato/server/model_manager.h"

namespace strato::grpcfe {

using StreamInferReactor =
    grpc::ServerBidiReactor<inference::ModelInferRequest, inference::ModelStreamInferResponse>;

// Starts serving one stream; the reactor frees itself after OnDone (and
// after the last response sink referring to it is gone).
StreamInferReactor* StartStreamInfer(ModelManager* manager);

}  // namespace strato::grpcfe
