#include "grpc_inference_service.h"

#include <thread>

#include "grpc_infer_codec.h"
#include "grpc_repository.h"
#include "grpc_statistics.h"
#include "grpc_stream_infer.h"
#include "strato/core/datatype.h"
#include "strato/core/model_name.h"

namespace strato::grpcfe {
namespace {

using Reactor = grpc::ServerUnaryReactor;

Reactor* Answer(grpc::CallbackServerContext* context, const Status& status) {
  Reactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

Reactor* Unsupported(grpc::CallbackServerContext* context) {
  return Answer(context, UnimplementedError(kSharedMemoryUnsupported));
}

// "TYPE_FP32" (config enum) -> "FP32" (protocol spelling).
std::string ProtocolDatatype(inference::DataType type) {
  const auto parsed = DataTypeFromConfigName(inference::DataType_Name(type));
  return std::string(DataTypeName(parsed.value_or(DataType::kInvalid)));
}

template <typename ConfigTensor>
void FillTensorMetadata(const ConfigTensor& t, bool batched,
                        inference::ModelMetadataResponse::TensorMetadata* out) {
  out->set_name(t.name());
  out->set_datatype(ProtocolDatatype(t.data_type()));
  // Models that batch take a leading batch dimension of any size.
  if (batched) out->add_shape(-1);
  for (int64_t d : t.dims()) out->add_shape(d);
}

Status FillModelMetadata(ModelManager* manager, const inference::ModelMetadataRequest& request,
                         inference::ModelMetadataResponse* response) {
  ASSIGN_OR_RETURN(const int64_t version, ParseModelVersion(request.version()));
  ASSIGN_OR_RETURN(std::shared_ptr<ModelVersion> model, manager->Get(request.name(), version));
  const inference::ModelConfig& config = model->config();
  response->set_name(model->name());
  for (const auto& v : manager->ReadyVersions(model->name())) {
    response->add_versions(std::to_string(v->version()));
  }
  if (response->versions_size() == 0) response->add_versions(std::to_string(model->version()));
  response->set_platform(config.platform().empty() ? config.backend() : config.platform());
  const bool batched = config.max_batch_size() > 0;
  for (const auto& in : config.input()) FillTensorMetadata(in, batched, response->add_inputs());
  for (const auto& out : config.output()) FillTensorMetadata(out, batched, response->add_outputs());
  return Status::Ok();
}

// A stream refused before it starts (authentication): finishes at once.
class RefusedStream
    : public grpc::ServerBidiReactor<inference::ModelInferRequest, inference::ModelStreamInferResponse> {
 public:
  explicit RefusedStream(const grpc::Status& status) { Finish(status); }
  // The callback API's ownership rule: a reactor frees itself when done.
  void OnDone() override { delete this; }
};

}  // namespace

grpc::Status InferenceService::Authorize(Ctx* context, Scope scope) const {
  if (auth_.authenticator == nullptr || scope == kScopeNone) return grpc::Status::OK;
  const bool open = (scope == kScopeInfer && auth_.open_inference) ||
                    (scope == kScopeRead && auth_.open_read);
  std::string_view token;
  const auto& metadata = context->client_metadata();
  if (auto it = metadata.find("authorization"); it != metadata.end()) {
    const std::string_view value(it->second.data(), it->second.size());
    if (value.size() > 7 && (value.starts_with("Bearer ") || value.starts_with("bearer "))) {
      token = value.substr(7);
    }
  }
  if (token.empty()) {
    if (open) return grpc::Status::OK;
    return grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                        "this RPC needs an API key with scope '" + std::string(ScopeName(scope)) +
                            "': send metadata 'authorization: Bearer <key>'");
  }
  AuthResult result = auth_.authenticator->Authenticate(token);
  if (result.status.code() == StatusCode::kResourceExhausted) {
    return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                        result.status.message() + "; retry after " +
                            std::to_string(result.retry_after_secs) + " s");
  }
  if (!result.status.ok()) {
    return grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "invalid or revoked API key");
  }
  if (!open && !result.principal.Has(scope)) {
    return grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                        "API key '" + result.principal.name + "' lacks scope '" +
                            std::string(ScopeName(scope)) + "'");
  }
  return grpc::Status::OK;
}

// Answers with the refusal when the call is not authorized.
#define STRATO_AUTHORIZE(context, scope)                               \
  if (grpc::Status denied = Authorize(context, scope); !denied.ok()) { \
    Reactor* refused = context->DefaultReactor();                      \
    refused->Finish(denied);                                           \
    return refused;                                                    \
  }

InferenceService::InferenceService(ModelManager* manager, ServerInfo info, Auth auth)
    : manager_(manager), info_(std::move(info)), auth_(auth) {
  SetMessageAllocatorFor_ModelInfer(&allocator_);
}

InferenceService::~InferenceService() {
  std::unique_lock<std::mutex> lock(mu_);
  idle_cv_.wait(lock, [this] { return background_ == 0; });
}

void InferenceService::RunInBackground(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++background_;
  }
  std::thread([this, task = std::move(task)] {
    task();
    std::lock_guard<std::mutex> lock(mu_);
    if (--background_ == 0) idle_cv_.notify_all();
  }).detach();
}

Reactor* InferenceService::ServerLive(Ctx* context, const inference::ServerLiveRequest*,
                                      inference::ServerLiveResponse* response) {
  response->set_live(true);
  return Answer(context, Status::Ok());
}

Reactor* InferenceService::ServerReady(Ctx* context, const inference::ServerReadyRequest*,
                                       inference::ServerReadyResponse* response) {
  response->set_ready(manager_->Ready() && !info_.draining->load(std::memory_order_relaxed));
  return Answer(context, Status::Ok());
}

Reactor* InferenceService::ModelReady(Ctx* context, const inference::ModelReadyRequest* request,
                                      inference::ModelReadyResponse* response) {
  STRATO_AUTHORIZE(context, kScopeRead);
  auto version = ParseModelVersion(request->version());
  if (!version.ok()) return Answer(context, version.status());
  // Unknown and not-ready models are both simply "not ready" (as Triton).
  // Never loads: a scaled-to-zero model is ready (it loads on its next inference).
  response->set_ready(manager_->ServingState(request->name(), *version) !=
                      ModelManager::Serving::kNo);
  return Answer(context, Status::Ok());
}

Reactor* InferenceService::ServerMetadata(Ctx* context, const inference::ServerMetadataRequest*,
                                          inference::ServerMetadataResponse* response) {
  response->set_name(info_.name);
  response->set_version(info_.version);
  for (const auto& e : info_.extensions) response->add_extensions(e);
  return Answer(context, Status::Ok());
}

Reactor* InferenceService::ModelMetadata(Ctx* context, const inference::ModelMetadataRequest* request,
                                         inference::ModelMetadataResponse* response) {
  STRATO_AUTHORIZE(context, kScopeRead);
  return Answer(context, FillModelMetadata(manager_, *request, response));
}

Reactor* InferenceService::ModelInfer(Ctx* context, const inference::ModelInferRequest* request,
                                      inference::ModelInferResponse* response) {
  STRATO_AUTHORIZE(context, kScopeInfer);
  return StartUnaryInfer(context, request, response, manager_);
}

grpc::ServerBidiReactor<inference::ModelInferRequest, inference::ModelStreamInferResponse>*
InferenceService::ModelStreamInfer(Ctx* context) {
  if (grpc::Status denied = Authorize(context, kScopeInfer); !denied.ok()) {
    return new RefusedStream(denied);  // deletes itself in OnDone
  }
  return StartStreamInfer(manager_);
}

Reactor* InferenceService::ModelConfig(Ctx* context, const inference::ModelConfigRequest* request,
                                       inference::ModelConfigResponse* response) {
  STRATO_AUTHORIZE(context, kScopeRead);
  auto version = ParseModelVersion(request->version());
  if (!version.ok()) return Answer(context, version.status());
  auto model = manager_->Get(request->name(), *version);
  if (!model.ok()) return Answer(context, model.status());
  *response->mutable_config() = (*model)->config();
  return Answer(context, Status::Ok());
}

Reactor* InferenceService::ModelStatistics(Ctx* context, const inference::ModelStatisticsRequest* request,
                                           inference::ModelStatisticsResponse* response) {
  STRATO_AUTHORIZE(context, kScopeRead);
  return Answer(context, CollectStatistics(manager_, *request, response));
}

Reactor* InferenceService::RepositoryIndex(Ctx* context, const inference::RepositoryIndexRequest* request,
                                           inference::RepositoryIndexResponse* response) {
  STRATO_AUTHORIZE(context, kScopeRead);
  FillRepositoryIndex(manager_, *request, response);
  return Answer(context, Status::Ok());
}

Reactor* InferenceService::RepositoryModelLoad(Ctx* context,
                                               const inference::RepositoryModelLoadRequest* request,
                                               inference::RepositoryModelLoadResponse*) {
  STRATO_AUTHORIZE(context, kScopeManage);
  if (Status valid = ValidateModelName(request->model_name()); !valid.ok()) {
    return Answer(context, valid);
  }
  std::optional<std::string> config;
  std::map<std::string, std::string> files;
  const Status parsed = ParseLoadParameters(*request, &config, &files);
  if (!parsed.ok()) return Answer(context, parsed);
  Reactor* reactor = context->DefaultReactor();
  RunInBackground([this, reactor, name = request->model_name(), config = std::move(config),
                   files = std::move(files)] {
    reactor->Finish(ToGrpcStatus(manager_->Load(name, config, files)));
  });
  return reactor;
}

Reactor* InferenceService::RepositoryModelUnload(Ctx* context,
                                                 const inference::RepositoryModelUnloadRequest* request,
                                                 inference::RepositoryModelUnloadResponse*) {
  STRATO_AUTHORIZE(context, kScopeManage);
  if (Status valid = ValidateModelName(request->model_name()); !valid.ok()) {
    return Answer(context, valid);
  }
  Reactor* reactor = context->DefaultReactor();
  RunInBackground([this, reactor, name = request->model_name()] {
    reactor->Finish(ToGrpcStatus(manager_->Unload(name)));
  });
  return reactor;
}

Reactor* InferenceService::SystemSharedMemoryStatus(Ctx* c, const inference::SystemSharedMemoryStatusRequest*,
                                                    inference::SystemSharedMemoryStatusResponse*) {
  return Unsupported(c);
}
Reactor* InferenceService::SystemSharedMemoryRegister(Ctx* c,
                                                      const inference::SystemSharedMemoryRegisterRequest*,
                                                      inference::SystemSharedMemoryRegisterResponse*) {
  return Unsupported(c);
}
Reactor* InferenceService::SystemSharedMemoryUnregister(Ctx* c,
                                                        const inference::SystemSharedMemoryUnregisterRequest*,
                                                        inference::SystemSharedMemoryUnregisterResponse*) {
  return Unsupported(c);
}
Reactor* InferenceService::CudaSharedMemoryStatus(Ctx* c, const inference::CudaSharedMemoryStatusRequest*,
                                                  inference::CudaSharedMemoryStatusResponse*) {
  return Unsupported(c);
}
Reactor* InferenceService::CudaSharedMemoryRegister(Ctx* c, const inference::CudaSharedMemoryRegisterRequest*,
                                                    inference::CudaSharedMemoryRegisterResponse*) {
  return Unsupported(c);
}
Reactor* InferenceService::CudaSharedMemoryUnregister(Ctx* c,
                                                      const inference::CudaSharedMemoryUnregisterRequest*,
                                                      inference::CudaSharedMemoryUnregisterResponse*) {
  return Unsupported(c);
}

}  // namespace strato::grpcfe
