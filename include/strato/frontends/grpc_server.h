// The KServe v2 / Triton gRPC frontend (service inference.GRPCInferenceService
// of proto/grpc_service.proto, plus grpc.health.v1.Health).
//
// Every RPC is served on top of a ModelManager with the same semantics as
// the HTTP frontend:
//  - ServerLive is true while the server runs; ServerReady and the health
//    service's "" entry are manager->Ready() && !*info.draining.
//  - ModelInfer / ModelStreamInfer decode the request without copying
//    raw_input_contents (the tensors view the received message, which is
//    kept alive until the last tensor is gone), enqueue it with
//    ModelVersion::Infer and answer from the thread that delivers the
//    response; no gRPC thread waits for a model. Outputs are always sent in
//    raw_output_contents. Errors carry the gRPC code equal to the strato
//    StatusCode (INVALID_ARGUMENT naming the field, NOT_FOUND, UNAVAILABLE...).
//  - A stream answers each request with one or more ModelStreamInferResponse
//    messages, in request order; a failed request yields error_message and
//    the stream stays open.
//  - Shared-memory RPCs answer UNIMPLEMENTED.
//
// Thread-safety: port() may be called from any thread; Shutdown() from one
// thread, once or more (later calls do nothing).
#pragma once

#include <memory>
#include <string>

#include "strato/core/auth.h"
#include "strato/core/status.h"
#include "strato/frontends/server_info.h"
#include "strato/server/model_manager.h"

namespace strato {

struct GrpcServerOptions {
  std::string address = "0.0.0.0";
  int port = 8001;                          // 0: the system picks a free port
  int max_message_bytes = 64 * 1024 * 1024; // per received and sent message
  // Authentication as on HTTP (HttpServerOptions): when set, every RPC but
  // ServerLive/ServerReady/ServerMetadata and health needs metadata
  // "authorization: Bearer <key>" with the RPC's scope (UNAUTHENTICATED /
  // PERMISSION_DENIED / RESOURCE_EXHAUSTED otherwise). Must outlive the server.
  Authenticator* authenticator = nullptr;
  bool open_inference = false;
  bool open_read = false;
  // Connections idle this long are closed (0 = never); at most this many
  // concurrent calls per connection (0 = gRPC's default).
  int max_connection_idle_ms = 0;
  int max_concurrent_streams = 0;
  // TLS (PEM files): serve TLS when tls_cert_file is set; with
  // tls_client_ca_file also require and verify client certificates (mTLS).
  // The files are re-read every tls_reload_secs, so a renewed certificate
  // is picked up without a restart.
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string tls_client_ca_file;
  int tls_reload_secs = 10;
};

class GrpcServer {
 public:
  virtual ~GrpcServer();
  // The port actually bound (the picked one when options.port was 0).
  virtual int port() const = 0;
  // Stops accepting calls, lets calls in flight finish (streams and health
  // watches are cancelled after a grace period of a few seconds), then
  // returns. Idempotent; also run by the destructor.
  virtual void Shutdown() = 0;
};

// Starts serving on options.address:options.port.
// `manager` is not owned and must outlive the server; `info` is copied (its
// `draining` flag is shared). Errors: UNAVAILABLE when the address cannot be
// bound, INVALID_ARGUMENT for a bad port or message size.
StatusOr<std::unique_ptr<GrpcServer>> StartGrpcServer(const GrpcServerOptions& options,
                                                       ModelManager* manager,
                                                       const ServerInfo& info);

}  // namespace strato
