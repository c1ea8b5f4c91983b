// grpc.health.v1.Health for strato (proto/health.proto).
//
// Service names: "" and "inference.GRPCInferenceService" are the server as a
// whole, SERVING when manager->Ready() and the server is not draining; any
// other name is a model, SERVING when a version of it is ready, NOT_SERVING
// when it is known but not ready. Check answers NOT_FOUND for an unknown
// model; Watch sends SERVICE_UNKNOWN for it and keeps watching.
//
// Watch sends the current status, then each change, found by polling every
// 200 ms on one thread shared by every watch.
//
// Thread-safety: gRPC may call Check/Watch from any thread. Shutdown() is
// called once, before the gRPC server shuts down, so that open watches end.
#pragma once

#include <atomic>
#include <condition_variable>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "health.grpc.pb.h"
#include "strato/server/model_manager.h"

namespace strato::grpcfe {

class HealthWatch;

class HealthService : public grpc::health::v1::Health::CallbackService {
 public:
  using ServingStatus = grpc::health::v1::HealthCheckResponse::ServingStatus;

  // `manager` is not owned and must outlive this object.
  HealthService(ModelManager* manager, std::shared_ptr<std::atomic<bool>> draining);
  ~HealthService() override;

  grpc::ServerUnaryReactor* Check(grpc::CallbackServerContext* context,
                                  const grpc::health::v1::HealthCheckRequest* request,
                                  grpc::health::v1::HealthCheckResponse* response) override;
  grpc::ServerWriteReactor<grpc::health::v1::HealthCheckResponse>* Watch(
      grpc::CallbackServerContext* context, const grpc::health::v1::HealthCheckRequest* request) override;

  // Ends every open watch (status OK) and stops the poller. Idempotent.
  void Shutdown();

  // The status of `service`; SERVICE_UNKNOWN for an unknown model.
  ServingStatus StatusOf(const std::string& service) const;

 private:
  void PollLoop();

  ModelManager* const manager_;
  const std::shared_ptr<std::atomic<bool>> draining_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::list<std::shared_ptr<HealthWatch>> watches_;  // guarded by mu_
  bool stopping_ = false;                            // guarded by mu_
  std::thread poller_;
};

}  // namespace strato::grpcfe
