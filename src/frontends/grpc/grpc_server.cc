// StartGrpcServer: binds the port and registers the inference and health
// services.
#include "strato/frontends/grpc_server.h"

#include <grpcpp/grpcpp.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_credentials_options.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
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

  // Plain TCP, or TLS / mTLS from PEM files re-read periodically.
  static StatusOr<std::shared_ptr<grpc::ServerCredentials>> Credentials(const GrpcServerOptions& o) {
    if (o.tls_cert_file.empty()) {
      if (!o.tls_key_file.empty() || !o.tls_client_ca_file.empty()) {
        return InvalidArgumentError("gRPC TLS: a key or client CA was given without a certificate");
      }
      return grpc::InsecureServerCredentials();
    }
    for (const std::string* file : {&o.tls_cert_file, &o.tls_key_file, &o.tls_client_ca_file}) {
      if (file == &o.tls_client_ca_file && file->empty()) continue;
      std::error_code ec;
      if (file->empty() || !std::filesystem::is_regular_file(*file, ec)) {
        return InvalidArgumentError("gRPC TLS: '" + *file + "' is not a readable file (certificate, key and "
                                    "client CA are PEM files)");
      }
    }
    const unsigned refresh = static_cast<unsigned>(std::max(1, o.tls_reload_secs));
    const bool mutual = !o.tls_client_ca_file.empty();
    auto provider =
        mutual ? std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
                     o.tls_key_file, o.tls_cert_file, o.tls_client_ca_file, refresh)
               : std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
                     o.tls_key_file, o.tls_cert_file, refresh);
    grpc::experimental::TlsServerCredentialsOptions tls(provider);
    tls.watch_identity_key_cert_pairs();
    if (mutual) {
      tls.watch_root_certs();
      tls.set_cert_request_type(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
    } else {
      tls.set_cert_request_type(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
    }
    return grpc::experimental::TlsServerCredentials(tls);
  }

  Status Start(const GrpcServerOptions& options) {
    ASSIGN_OR_RETURN(auto credentials, Credentials(options));
    grpc::ServerBuilder builder;
    std::string host = options.address;
    // IPv6 literals need brackets in a gRPC target.
    if (host.find(':') != std::string::npos && host.front() != '[') host = "[" + host + "]";
    builder.AddListeningPort(host + ":" + std::to_string(options.port), credentials, &port_);
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
