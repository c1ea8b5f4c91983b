// The hardening part of `strato serve`: config sizing limits, the XGBoost
// binary-format switch, HTTP connection limits, CORS origins, API-key
// authentication (docs/security.md lists every flag).
//
// Thread-safety: used by the serve command's main thread only.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "strato/config/model_config.h"
#include "strato/core/auth.h"
#include "strato/core/status.h"
#include "strato/frontends/grpc_server.h"
#include "strato/frontends/http_server.h"

namespace strato::cli {

struct SecurityFlags {
  ModelConfigLimits limits;
  bool allow_xgboost_binary = false;
  int header_timeout_secs = 10;
  int idle_timeout_secs = 60;
  int body_timeout_secs = 60;
  int max_connections = 0;  // 0: derived from the descriptor limit
  std::vector<std::string> cors_origins;
  std::string auth_db;
  bool open_inference = false;
  bool open_read = false;
  // gRPC TLS, with tritonserver's flag names.
  bool grpc_use_ssl = false;
  bool grpc_use_ssl_mutual = false;
  std::string grpc_server_cert;
  std::string grpc_server_key;
  std::string grpc_root_cert;
};

void AddSecurityFlags(CLI::App& app, SecurityFlags& flags);

// Process-wide settings (config limits, XGBoost binary switch, the
// descriptor limit raised to its hard maximum) and the authenticator when
// --auth-db is given (null otherwise). Call once before models load.
StatusOr<std::unique_ptr<Authenticator>> ApplySecurityFlags(SecurityFlags& flags);

// Authentication and idle-connection settings for the gRPC server.
void ApplyGrpcSecurity(const SecurityFlags& flags, Authenticator* authenticator,
                       GrpcServerOptions* options);

// Copies the connection, CORS and authentication settings into `options`.
void ApplyHttpSecurity(const SecurityFlags& flags, Authenticator* authenticator,
                       HttpServerOptions* options);

}  // namespace strato::cli
