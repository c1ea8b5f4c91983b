#include "strato/core/inference.h"

namespace strato {

const Tensor* InferenceRequest::FindInput(std::string_view name) const {
  for (const auto& t : inputs) {
    if (t.name() == name) return &t;
  }
  return nullptr;
}

bool InferenceRequest::WantsOutput(std::string_view name) const {
  if (outputs.empty()) return true;
  for (const auto& o : outputs) {
    if (o.name == name) return true;
  }
  return false;
}

int64_t InferenceRequest::BatchSize() const {
  if (inputs.empty() || inputs.front().shape().empty()) return 1;
  return inputs.front().shape().front();
}

std::unique_ptr<InferenceResponse> MakeResponse(const InferenceRequest& request,
                                                int64_t model_version) {
  auto response = std::make_unique<InferenceResponse>();
  response->id = request.id;
  response->model_name = request.model_name;
  response->model_version = model_version;
  return response;
}

void RespondWithError(const InferenceRequest& request, int64_t model_version, Status status) {
  if (!request.sink) return;
  auto response = MakeResponse(request, model_version);
  response->status = std::move(status);
  request.sink->Send(std::move(response), /*final=*/true);
}

}  // namespace strato
