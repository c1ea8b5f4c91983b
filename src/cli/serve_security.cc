#include "serve_security.h"

#include <sys/resource.h>

#include <algorithm>

#include "strato/backend/xgboost_model_check.h"
#include "strato/core/logging.h"
#include "strato/registry/api_keys.h"

namespace strato::cli {

void AddSecurityFlags(CLI::App& app, SecurityFlags& f) {
  ModelConfigLimits& l = f.limits;
  app.add_option("--max-model-instances", l.max_instances,
                 "Most instances (instance_group counts summed) one model may ask for")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--max-batch-size", l.max_batch_size,
                 "Largest max_batch_size / warmup batch a config may ask for")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--max-queue-size", l.max_queue_size,
                 "Largest queue a config may ask for (max_queue_size, llamacpp max_waiting)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--max-model-threads", l.max_threads, "Largest nthread/threads config parameter")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option(
         "--max-context-tokens", l.max_context_tokens,
         "Largest llamacpp context_length x parallel (KV cache tokens) a config may ask for")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--max-llm-slots", l.max_slots, "Largest llamacpp parallel parameter")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--max-priority-levels", l.max_priority_levels,
                 "Largest dynamic_batching.priority_levels a config may ask for")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--max-queue-delay-us", l.max_delay_us,
                 "Longest queue delay or default timeout (microseconds) a config may ask for")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--max-warmup-count", l.max_warmup_count,
                 "Most repetitions of one model_warmup entry")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--max-warmup-elements", l.max_warmup_elements,
                 "Most elements (batch x dims) of one warmup input")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_flag("--allow-xgboost-binary", f.allow_xgboost_binary,
               "Load XGBoost models in the legacy binary format (cannot be checked before loading; "
               "only for trusted models)");
  app.add_option("--http-header-timeout-secs", f.header_timeout_secs,
                 "Seconds a client has to send a request's header once it started (0 = none)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--http-idle-timeout-secs", f.idle_timeout_secs,
                 "Seconds an idle keep-alive connection stays open (0 = forever)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--http-body-timeout-secs", f.body_timeout_secs,
                 "Seconds a client has to send a request's body (0 = none)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--http-max-connections", f.max_connections,
                 "Open HTTP connections accepted; more are answered 503 and closed (default: the "
                 "descriptor limit less a reserve)")
      ->check(CLI::NonNegativeNumber);
  app.add_option(
      "--cors-allow-origin", f.cors_origins,
      "Browser origin allowed to call the API, e.g. https://app.example.com (repeat; '*' "
      "= any). Other origins are refused on every method but GET/HEAD");
  app.add_option("--auth-db", f.auth_db,
                 "API key database (strato auth create ...): require 'Authorization: Bearer <key>' "
                 "with the route's scope");
  app.add_flag("--open-inference", f.open_inference,
               "With --auth-db: inference needs no key (management still does)");
  app.add_flag("--open-read", f.open_read,
               "With --auth-db: metadata, statistics and index reads need no key");
  app.add_option("--grpc-use-ssl", f.grpc_use_ssl, "Serve gRPC over TLS (true/false)");
  app.add_option("--grpc-use-ssl-mutual", f.grpc_use_ssl_mutual,
                 "Require and verify client certificates on gRPC (mTLS; true/false)");
  app.add_option("--grpc-server-cert", f.grpc_server_cert, "gRPC TLS certificate chain (PEM; re-read on change)");
  app.add_option("--grpc-server-key", f.grpc_server_key, "gRPC TLS private key (PEM; re-read on change)");
  app.add_option("--grpc-root-cert", f.grpc_root_cert, "CA bundle that signs client certificates (PEM, mTLS)");
}

StatusOr<std::unique_ptr<Authenticator>> ApplySecurityFlags(SecurityFlags& f) {
  SetModelConfigLimits(f.limits);
  SetXgboostBinaryAllowed(f.allow_xgboost_binary);
  // Many idle clients must meet the connection cap, not "Too many open
  // files" in the accept loop: raise the soft descriptor limit to the hard
  // one and keep a reserve for model files, gRPC and the registry.
  rlimit nofile{};
  if (getrlimit(RLIMIT_NOFILE, &nofile) == 0) {
    if (nofile.rlim_cur < nofile.rlim_max) {
      nofile.rlim_cur = nofile.rlim_max;
      (void)setrlimit(RLIMIT_NOFILE, &nofile);
      (void)getrlimit(RLIMIT_NOFILE, &nofile);
    }
    if (f.max_connections == 0) {
      const rlim_t soft = nofile.rlim_cur == RLIM_INFINITY ? rlim_t{1} << 20 : nofile.rlim_cur;
      f.max_connections = static_cast<int>(std::clamp<rlim_t>(soft / 2, 64, 65536));
    }
  }
  if ((f.grpc_use_ssl || f.grpc_use_ssl_mutual) &&
      (f.grpc_server_cert.empty() || f.grpc_server_key.empty() ||
       (f.grpc_use_ssl_mutual && f.grpc_root_cert.empty()))) {
    return InvalidArgumentError(
        "--grpc-use-ssl needs --grpc-server-cert and --grpc-server-key; --grpc-use-ssl-mutual also "
        "--grpc-root-cert");
  }
  if (f.auth_db.empty()) {
    if (f.open_inference || f.open_read) {
      return InvalidArgumentError("--open-inference and --open-read need --auth-db");
    }
    return std::unique_ptr<Authenticator>();
  }
  ASSIGN_OR_RETURN(auto store, registry::ApiKeyStore::Open(f.auth_db));
  ASSIGN_OR_RETURN(auto keys, store->List());
  size_t active = 0;
  for (const auto& k : keys) active += k.revoked_at == 0 ? 1 : 0;
  LogInfo("API keys required", {{"auth_db", f.auth_db},
                                {"active_keys", std::to_string(active)},
                                {"open_inference", f.open_inference ? "true" : "false"},
                                {"open_read", f.open_read ? "true" : "false"}});
  return registry::MakeApiKeyAuthenticator(std::move(store));
}

void ApplyHttpSecurity(const SecurityFlags& f, Authenticator* authenticator,
                       HttpServerOptions* options) {
  options->header_timeout_ms = f.header_timeout_secs * 1000;
  options->idle_timeout_ms = f.idle_timeout_secs * 1000;
  options->body_timeout_ms = f.body_timeout_secs * 1000;
  options->max_connections = f.max_connections;
  options->cors_origins = f.cors_origins;
  options->authenticator = authenticator;
  options->open_inference = f.open_inference;
  options->open_read = f.open_read;
}

}  // namespace strato::cli

namespace strato::cli {

void ApplyGrpcSecurity(const SecurityFlags& f, Authenticator* authenticator,
                       GrpcServerOptions* options) {
  options->authenticator = authenticator;
  options->open_inference = f.open_inference;
  options->open_read = f.open_read;
  options->max_connection_idle_ms = f.idle_timeout_secs * 1000;
  if (f.grpc_use_ssl || f.grpc_use_ssl_mutual) {
    options->tls_cert_file = f.grpc_server_cert;
    options->tls_key_file = f.grpc_server_key;
    if (f.grpc_use_ssl_mutual) options->tls_client_ca_file = f.grpc_root_cert;
  }
}

}  // namespace strato::cli
