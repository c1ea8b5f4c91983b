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

}  // namespace

InferenceService::InferenceService(ModelManager* manager, ServerInfo info)
    : manager_(manager), info_(std::move(info)) {
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
  auto version = ParseModelVersion(request->version());
  if (!version.ok()) return Answer(context, version.status());
  // Unknown and not-ready models are both simply "not ready" (as Triton).
  response->set_ready(manager_->Get(request->name(), *version).ok());
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
  return Answer(context, FillModelMetadata(manager_, *request, response));
}

Reactor* InferenceService::ModelInfer(Ctx* context, const inference::ModelInferRequest* request,
                                      inference::ModelInferResponse* response) {
  return StartUnaryInfer(context, request, response, manager_);
}

grpc::ServerBidiReactor<inference::ModelInferRequest, inference::ModelStreamInferResponse>*
InferenceService::ModelStreamInfer(Ctx*) {
  return StartStreamInfer(manager_);
}

Reactor* InferenceService::ModelConfig(Ctx* context, const inference::ModelConfigRequest* request,
                                       inference::ModelConfigResponse* response) {
  auto version = ParseModelVersion(request->version());
  if (!version.ok()) return Answer(context, version.status());
  auto model = manager_->Get(request->name(), *version);
  if (!model.ok()) return Answer(context, model.status());
  *response->mutable_config() = (*model)->config();
  return Answer(context, Status::Ok());
}

Reactor* InferenceService::ModelStatistics(Ctx* context, const inference::ModelStatisticsRequest* request,
                                           inference::ModelStatisticsResponse* response) {
  return Answer(context, CollectStatistics(manager_, *request, response));
}

Reactor* InferenceService::RepositoryIndex(Ctx* context, const inference::RepositoryIndexRequest* request,
                                           inference::RepositoryIndexResponse* response) {
  FillRepositoryIndex(manager_, *request, response);
  return Answer(context, Status::Ok());
}

Reactor* InferenceService::RepositoryModelLoad(Ctx* context,
                                               const inference::RepositoryModelLoadRequest* request,
                                               inference::RepositoryModelLoadResponse*) {
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
