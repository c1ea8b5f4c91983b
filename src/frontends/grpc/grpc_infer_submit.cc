#include "grpc_infer_submit.h"

#include "grpc_infer_codec.h"

namespace strato::grpcfe {

Status SubmitInfer(ModelManager* manager, std::shared_ptr<const inference::ModelInferRequest> message,
                   std::shared_ptr<ResponseSink> sink, std::shared_ptr<std::atomic<bool>> cancelled) {
  auto request = std::make_unique<InferenceRequest>();
  request->times.received_ns = NowNs();
  // The model is looked up before the inputs are decoded so that an unknown
  // model reports NOT_FOUND rather than a complaint about its inputs.
  ASSIGN_OR_RETURN(const int64_t version, ParseModelVersion(message->model_version()));
  ASSIGN_OR_RETURN(std::shared_ptr<ModelVersion> model, manager->Get(message->model_name(), version));
  RETURN_IF_ERROR(DecodeInferRequest(message, request.get()));
  request->sink = std::move(sink);
  request->cancelled = std::move(cancelled);
  return model->Infer(request);
}

}  // namespace strato::grpcfe
