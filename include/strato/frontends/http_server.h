// The HTTP/REST frontend: KServe v2 (Open Inference Protocol) plus Triton's
// extensions (binary tensor data, classification, model repository, model
// configuration, statistics), and a separate Prometheus metrics endpoint.
//
// Routes (all JSON bodies; errors are {"error": "<message>"} with the status
// HttpStatusFor() gives, 413 for bodies over max_body_bytes, 404 for unknown
// routes, models or versions, 405 for a known route with the wrong method):
//   GET  /v2/health/live | /v2/health/ready       200 or 503, empty body
//   GET  /v2                                       server metadata
//   GET  /v2/models/{m}[/versions/{v}]             model metadata
//   GET  /v2/models/{m}[/versions/{v}]/ready       200 ready, 404 unknown,
//                                                  503 known but not ready
//   POST /v2/models/{m}[/versions/{v}]/infer       inference
//   GET  /v2/models/{m}[/versions/{v}]/config      model configuration
//   GET  /v2/models/stats, /v2/models/{m}[/versions/{v}]/stats
//   POST /v2/repository/index                      [{name, version, state, reason}]
//   POST /v2/repository/models/{m}/load | unload
// The metrics server answers GET /metrics with the registry's Prometheus text.
//
// Thread-safety: StartHttpServer/StartMetricsServer may be called from any
// thread. HttpServer methods may be called from any thread except one of the
// server's own io threads (Shutdown joins them).
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "strato/core/auth.h"
#include "strato/core/metrics.h"
#include "strato/core/status.h"
#include "strato/frontends/server_info.h"
#include "strato/server/model_manager.h"

namespace strato {

// A route group served for a layer above the frontends (e.g. the deployer's
// management API under /v1/registry and /v1/deployments), so the frontend
// need not depend on it. Requests whose path starts with `prefix` are
// answered by `handler(method, target, body)` with a JSON body. The handler
// runs on a thread of its own (never an io thread), so it may block for
// as long as a control-plane call takes.
struct HttpRouteResponse {
  int status = 200;
  std::string body;  // JSON
};
using HttpRouteHandler = std::function<HttpRouteResponse(const std::string& method, const std::string& target,
                                                         const std::string& body)>;
struct HttpExtraRoute {
  std::string prefix;  // e.g. "/v1/deployments"
  HttpRouteHandler handler;
};

struct HttpServerOptions {
  std::string address = "0.0.0.0";
  int port = 8000;                          // 0 = pick a free port (see HttpServer::port())
  int threads = 0;                          // io threads; 0 = hardware threads
  size_t max_body_bytes = 64 * 1024 * 1024;  // larger bodies are answered 413
  std::vector<HttpExtraRoute> extra_routes;  // checked before the KServe routes

  // Connection limits (docs/security.md). A client that sends no byte of
  // its next request for idle_timeout_ms is closed; one that starts a
  // request must finish the header in header_timeout_ms and the body in
  // body_timeout_ms, else 408. Past max_connections open connections a new
  // one is answered 503 and closed at once. 0 disables a limit.
  int header_timeout_ms = 10'000;
  int idle_timeout_ms = 60'000;
  int body_timeout_ms = 60'000;
  int max_connections = 0;

  // Browsers: a request with an Origin header that is neither this server's
  // own origin nor listed here ("*" = any) is refused (403) on every method
  // but GET/HEAD; listed origins get CORS headers and preflight answers.
  std::vector<std::string> cors_origins;

  // Authentication: when set, every request but health probes and the
  // console's static files needs "Authorization: Bearer <key>" holding the
  // route's scope (strato/core/auth.h), except inference when
  // open_inference and reads when open_read. Must outlive the server.
  Authenticator* authenticator = nullptr;
  bool open_inference = false;
  bool open_read = false;
};

class HttpServer {
 public:
  virtual ~HttpServer() = default;  // shuts down if still running
  // The port the server listens on (the chosen one when options.port was 0).
  virtual int port() const = 0;
  // Stops accepting, closes idle connections, lets requests in flight answer
  // (then closes their connections), and joins the io threads. Idempotent.
  virtual void Shutdown() = 0;
};

// Binds and starts serving. `manager` and `metrics` (may be null) must outlive
// the server; `info` is copied (its draining flag is shared). Errors:
// UNAVAILABLE when the address cannot be bound, INVALID_ARGUMENT for a bad
// address or port.
StatusOr<std::unique_ptr<HttpServer>> StartHttpServer(const HttpServerOptions& options,
                                                      ModelManager* manager,
                                                      MetricsRegistry* metrics,
                                                      const ServerInfo& info);

// Serves only GET /metrics (text/plain; version=0.0.4) from `metrics`, which
// must outlive the server. Errors as StartHttpServer.
StatusOr<std::unique_ptr<HttpServer>> StartMetricsServer(const HttpServerOptions& options,
                                                         MetricsRegistry* metrics);

}  // namespace strato
