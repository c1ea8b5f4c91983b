// inference.GRPCInferenceService on top of a ModelManager (callback API).
//
// Cheap RPCs (liveness, readiness, metadata, config, statistics, index)
// answer on the gRPC thread that received them. ModelInfer and
// ModelStreamInfer enqueue and answer from the model's response thread
// (grpc_unary_infer.h, grpc_stream_infer.h). RepositoryModelLoad/Unload,
// which block until models are loaded or drained, run on a thread of their
// own so that no gRPC thread waits for them.
//
// Thread-safety: every RPC may run concurrently. Destruction waits for
// repository operations still running.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>

#include "grpc_service.grpc.pb.h"
#include "grpc_unary_infer.h"
#include "strato/core/auth.h"
#include "strato/frontends/server_info.h"
#include "strato/server/model_manager.h"

namespace strato::grpcfe {

// The message every shared-memory RPC fails with (UNIMPLEMENTED).
inline constexpr const char* kSharedMemoryUnsupported =
    "shared memory is not supported by strato; send tensors in the request (raw_input_contents)";

// Who may call which RPC (see GrpcServerOptions).
struct GrpcAuth {
  Authenticator* authenticator = nullptr;
  bool open_inference = false;
  bool open_read = false;
};

class InferenceService : public inference::GRPCInferenceService::CallbackService {
 public:
  using Auth = GrpcAuth;
  // `manager` (and `auth.authenticator`) are not owned and must outlive
  // this object.
  InferenceService(ModelManager* manager, ServerInfo info, Auth auth = Auth());
  ~InferenceService() override;

  using Ctx = grpc::CallbackServerContext;
  using Reactor = grpc::ServerUnaryReactor;

  Reactor* ServerLive(Ctx*, const inference::ServerLiveRequest*, inference::ServerLiveResponse*) override;
  Reactor* ServerReady(Ctx*, const inference::ServerReadyRequest*, inference::ServerReadyResponse*) override;
  Reactor* ModelReady(Ctx*, const inference::ModelReadyRequest*, inference::ModelReadyResponse*) override;
  Reactor* ServerMetadata(Ctx*, const inference::ServerMetadataRequest*,
                          inference::ServerMetadataResponse*) override;
  Reactor* ModelMetadata(Ctx*, const inference::ModelMetadataRequest*,
                         inference::ModelMetadataResponse*) override;
  Reactor* ModelInfer(Ctx*, const inference::ModelInferRequest*, inference::ModelInferResponse*) override;
  grpc::ServerBidiReactor<inference::ModelInferRequest, inference::ModelStreamInferResponse>*
  ModelStreamInfer(Ctx*) override;
  Reactor* ModelConfig(Ctx*, const inference::ModelConfigRequest*, inference::ModelConfigResponse*) override;
  Reactor* ModelStatistics(Ctx*, const inference::ModelStatisticsRequest*,
                           inference::ModelStatisticsResponse*) override;
  Reactor* RepositoryIndex(Ctx*, const inference::RepositoryIndexRequest*,
                           inference::RepositoryIndexResponse*) override;
  Reactor* RepositoryModelLoad(Ctx*, const inference::RepositoryModelLoadRequest*,
                               inference::RepositoryModelLoadResponse*) override;
  Reactor* RepositoryModelUnload(Ctx*, const inference::RepositoryModelUnloadRequest*,
                                 inference::RepositoryModelUnloadResponse*) override;
  Reactor* SystemSharedMemoryStatus(Ctx*, const inference::SystemSharedMemoryStatusRequest*,
                                    inference::SystemSharedMemoryStatusResponse*) override;
  Reactor* SystemSharedMemoryRegister(Ctx*, const inference::SystemSharedMemoryRegisterRequest*,
                                      inference::SystemSharedMemoryRegisterResponse*) override;
  Reactor* SystemSharedMemoryUnregister(Ctx*, const inference::SystemSharedMemoryUnregisterRequest*,
                                        inference::SystemSharedMemoryUnregisterResponse*) override;
  Reactor* CudaSharedMemoryStatus(Ctx*, const inference::CudaSharedMemoryStatusRequest*,
                                  inference::CudaSharedMemoryStatusResponse*) override;
  Reactor* CudaSharedMemoryRegister(Ctx*, const inference::CudaSharedMemoryRegisterRequest*,
                                    inference::CudaSharedMemoryRegisterResponse*) override;
  Reactor* CudaSharedMemoryUnregister(Ctx*, const inference::CudaSharedMemoryUnregisterRequest*,
                                      inference::CudaSharedMemoryUnregisterResponse*) override;

 private:
  // Runs `task` on a new detached thread, counted so that the destructor
  // can wait for it.
  void RunInBackground(std::function<void()> task);

  // OK when the call's "authorization" metadata holds a key with `scope`
  // (or no authentication is configured, or the scope is open).
  grpc::Status Authorize(Ctx* context, Scope scope) const;

  ModelManager* const manager_;
  const ServerInfo info_;
  const Auth auth_;
  InferMessageAllocator allocator_;

  std::mutex mu_;
  std::condition_variable idle_cv_;
  int background_ = 0;  // guarded by mu_
};

}  // namespace strato::grpcfe
