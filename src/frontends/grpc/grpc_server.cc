// StartGrpcServer: binds the port and registers the inference and health
// services.
#include "strato/frontends/grpc_server.h"

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <mutex>

#include "grpc_health.h"
#include "grpc_inference_service.h"
#include "strato/core/logging.h"

namespace strato {

GrpcServer::~GrpcServer() = default;

namespace {

// How long Shutdown() lets calls in flight finish before cancelling them.
constexpr auto kShutdownGrace = std::chrono::seconds(5);

class GrpcServerImpl : public GrpcServer {
 public:
  GrpcServerImpl(std::unique_ptr<grpcfe::InferenceService> service,
                 std::unique_ptr<grpcfe::HealthService> health)
      : service_(std::move(service)), health_(std::move(health)) {}
  ~GrpcServerImpl() override { Shutdown(); }

  Status Start(const GrpcServerOptions& options) {
    grpc::ServerBuilder builder;
    std::string host = options.address;
    // IPv6 literals need brackets in a gRPC target.
    if (host.find(':') != std::string::npos && host.front() != '[') host = "[" + host + "]";
    builder.AddListeningPort(host + ":" + std::to_string(options.port), grpc::InsecureServerCredentials(),
                             &port_);
    builder.SetMaxReceiveMessageSize(options.max_message_bytes);
    builder.SetMaxSendMessageSize(options.max_message_bytes);
    // Without this a second server could silently share the port.
    builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
    if (options.max_connection_idle_ms > 0) {
      builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_IDLE_MS, options.max_connection_idle_ms);
    }
    if (options.max_concurrent_streams > 0) {
      builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, options.max_concurrent_streams);
    }
    builder.RegisterService(service_.get());
    builder.RegisterService(health_.get());
    server_ = builder.BuildAndStart();
    if (server_ == nullptr || port_ == 0) {
      server_.reset();
      return UnavailableError("cannot listen on " + host + ":" + std::to_string(options.port));
    }
    return Status::Ok();
  }

  int port() const override { return port_; }

  void Shutdown() override {
    std::lock_guard<std::mutex> lock(shutdown_mu_);
    if (server_ == nullptr) return;
    // Health watches never end by themselves: end them first so that the
    // grace period is spent on real work only.
    health_->Shutdown();
    // Returns once every call has finished (cancelled after the deadline).
    server_->Shutdown(std::chrono::system_clock::now() + kShutdownGrace);
    server_->Wait();
    server_.reset();
  }

 private:
  std::unique_ptr<grpcfe::InferenceService> service_;
  std::unique_ptr<grpcfe::HealthService> health_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  std::mutex shutdown_mu_;
};

}  // namespace

StatusOr<std::unique_ptr<GrpcServer>> StartGrpcServer(const GrpcServerOptions& options,
                                                       ModelManager* manager, const ServerInfo& info) {
  if (options.port < 0 || options.port > 65535) {
    return InvalidArgumentError("gRPC port " + std::to_string(options.port) + " is out of range");
  }
  if (options.max_message_bytes <= 0) {
    return InvalidArgumentError("gRPC max_message_bytes must be positive");
  }
  grpcfe::InferenceService::Auth auth;
  auth.authenticator = options.authenticator;
  auth.open_inference = options.open_inference;
  auth.open_read = options.open_read;
  auto server = std::make_unique<GrpcServerImpl>(std::make_unique<grpcfe::InferenceService>(manager, info, auth),
                                                 std::make_unique<grpcfe::HealthService>(manager, info.draining));
  RETURN_IF_ERROR(server->Start(options));
  LogVerbose("gRPC server listening", {{"port", std::to_string(server->port())}});
  return std::unique_ptr<GrpcServer>(std::move(server));
}

}  // namespace strato
