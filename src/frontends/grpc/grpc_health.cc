#include "grpc_health.h"

#include <chrono>

namespace strato::grpcfe {

using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;
using ServingStatus = HealthService::ServingStatus;

// One Watch stream. Owned by shared_ptr: by itself until OnDone and by the
// service's list until it has finished.
class HealthWatch : public grpc::ServerWriteReactor<HealthCheckResponse> {
 public:
  explicit HealthWatch(std::string service) : service_(std::move(service)) {}

  void Begin(std::shared_ptr<HealthWatch> self, ServingStatus initial) {
    self_ = std::move(self);
    Update(initial);
  }

  const std::string& service() const { return service_; }

  bool finished() {
    std::lock_guard<std::mutex> lock(mu_);
    return finish_wanted_;
  }

  // Sends `status` if it differs from the last one queued.
  void Update(ServingStatus status) {
    std::lock_guard<std::mutex> lock(mu_);
    if (finish_wanted_ || (has_last_ && status == last_)) return;
    last_ = status;
    has_last_ = true;
    pending_ = true;
    if (!writing_) WriteLocked();
  }

  // Ends the stream (server shutting down).
  void Stop() { FinishOnce(grpc::Status::OK); }

  void OnWriteDone(bool ok) override {
    std::lock_guard<std::mutex> lock(mu_);
    writing_ = false;
    if (!ok) finish_wanted_ = true;
    if (finish_wanted_) {
      FinishLocked();
    } else if (pending_) {
      WriteLocked();
    }
  }

  void OnCancel() override { FinishOnce(grpc::Status::CANCELLED); }

  void OnDone() override { std::shared_ptr<HealthWatch> self = std::move(self_); }

 private:
  void WriteLocked() {
    pending_ = false;
    writing_ = true;
    message_.set_status(last_);
    StartWrite(&message_);
  }

  void FinishOnce(grpc::Status status) {
    std::lock_guard<std::mutex> lock(mu_);
    finish_wanted_ = true;
    status_ = std::move(status);
    if (!writing_) FinishLocked();
  }

  // gRPC wants no write outstanding when Finish is called: a finish asked
  // for during a write waits for OnWriteDone.
  void FinishLocked() {
    if (finish_sent_) return;
    finish_sent_ = true;
    Finish(status_);
  }

  const std::string service_;
  std::shared_ptr<HealthWatch> self_;
  std::mutex mu_;
  HealthCheckResponse message_;  // the write in flight; guarded by mu_
  ServingStatus last_ = HealthCheckResponse::UNKNOWN;
  bool has_last_ = false;
  bool pending_ = false;
  bool writing_ = false;
  bool finish_wanted_ = false;
  bool finish_sent_ = false;
  grpc::Status status_;
};

HealthService::HealthService(ModelManager* manager, std::shared_ptr<std::atomic<bool>> draining)
    : manager_(manager), draining_(std::move(draining)), poller_([this] { PollLoop(); }) {}

HealthService::~HealthService() { Shutdown(); }

ServingStatus HealthService::StatusOf(const std::string& service) const {
  if (service.empty() || service == "inference.GRPCInferenceService") {
    const bool ready = manager_->Ready() && !draining_->load(std::memory_order_relaxed);
    return ready ? HealthCheckResponse::SERVING : HealthCheckResponse::NOT_SERVING;
  }
  auto model = manager_->Get(service, -1);
  if (model.ok()) return HealthCheckResponse::SERVING;
  if (model.status().code() == StatusCode::kNotFound) return HealthCheckResponse::SERVICE_UNKNOWN;
  return HealthCheckResponse::NOT_SERVING;
}

grpc::ServerUnaryReactor* HealthService::Check(grpc::CallbackServerContext* context,
                                               const HealthCheckRequest* request,
                                               HealthCheckResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  const ServingStatus status = StatusOf(request->service());
  if (status == HealthCheckResponse::SERVICE_UNKNOWN) {
    reactor->Finish(grpc::Status(grpc::StatusCode::NOT_FOUND, "unknown service '" + request->service() + "'"));
    return reactor;
  }
  response->set_status(status);
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerWriteReactor<HealthCheckResponse>* HealthService::Watch(grpc::CallbackServerContext*,
                                                                    const HealthCheckRequest* request) {
  auto watch = std::make_shared<HealthWatch>(request->service());
  watch->Begin(watch, StatusOf(request->service()));
  std::lock_guard<std::mutex> lock(mu_);
  if (stopping_) {
    watch->Stop();
  } else {
    watches_.push_back(watch);
  }
  return watch.get();
}

void HealthService::Shutdown() {
  std::list<std::shared_ptr<HealthWatch>> watches;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return;
    stopping_ = true;
    watches.swap(watches_);
  }
  cv_.notify_all();
  if (poller_.joinable()) poller_.join();
  for (auto& w : watches) w->Stop();
}

void HealthService::PollLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    cv_.wait_for(lock, std::chrono::milliseconds(200));
    if (stopping_) break;
    watches_.remove_if([](const std::shared_ptr<HealthWatch>& w) { return w->finished(); });
    std::list<std::shared_ptr<HealthWatch>> watches = watches_;
    // The manager is asked without holding mu_ so that Watch() never waits
    // on a slow manager.
    lock.unlock();
    for (auto& w : watches) w->Update(StatusOf(w->service()));
    lock.lock();
  }
}

}  // namespace strato::grpcfe
