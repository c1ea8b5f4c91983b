// strato serve: the inference server. Flag names follow tritonserver's so
// that a Triton user's command line carries over.
#include <signal.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "commands.h"
#include "serve_lifecycle.h"
#include "serve_security.h"
#include "strato/backend/backend.h"
#include "strato/backend/demo_repository.h"
#ifdef STRATO_HAVE_LLAMA
#include "strato/llm/llamacpp_backend.h"
#endif
#include "strato/routing/routing_backend.h"
#include "strato/core/logging.h"
#ifdef STRATO_HAVE_SPEECH
#include "strato/speech/speech_backends.h"
#endif
#include "strato/core/metrics.h"
#include "strato/forecast/forecast_backend.h"
#include "strato/recsys/recommender_backend.h"
#include "strato/frontends/grpc_server.h"
#include "strato/frontends/http_server.h"
#include "strato/frontends/server_info.h"
#include "strato/sentiment/backend.h"
#include "strato/server/model_manager.h"

namespace strato::cli {
namespace {

struct ServeFlags {
  std::vector<std::string> repositories;
  std::string control_mode = "none";
  int poll_secs = 15;
  std::vector<std::string> load_models;
  std::string address = "0.0.0.0";
  int http_port = 8000;
  int grpc_port = 8001;
  int metrics_port = 8002;
  int http_threads = 0;
  bool allow_grpc = true;
  bool allow_metrics = true;
  size_t max_body_bytes = 64u << 20;
  int log_verbose = 0;
  std::string log_format = "text";
  bool strict_readiness = true;
  int exit_timeout_secs = 30;
  int drain_delay_secs = 0;
  bool demo = false;
  std::string demo_dir;
};

void AddFlags(CLI::App& app, ServeFlags& f) {
  app.add_option("--model-repository,--model-store", f.repositories,
                 "Model repository folder (repeat for several)");
  app.add_option("--model-control-mode", f.control_mode, "none | poll | explicit")
      ->check(CLI::IsMember({"none", "poll", "explicit"}));
  app.add_option("--repository-poll-secs", f.poll_secs, "Seconds between repository scans (poll mode)")
      ->check(CLI::PositiveNumber);
  app.add_option("--load-model", f.load_models, "Model to load at start in explicit mode ('*' = all)");
  app.add_option("--http-address,--grpc-address", f.address, "Address to listen on");
  app.add_option("--http-port", f.http_port, "HTTP port (KServe v2 REST)")->check(CLI::Range(0, 65535));
  app.add_option("--grpc-port", f.grpc_port, "gRPC port (KServe v2)")->check(CLI::Range(0, 65535));
  app.add_option("--metrics-port", f.metrics_port, "Prometheus metrics port")->check(CLI::Range(0, 65535));
  app.add_option("--http-thread-count", f.http_threads, "HTTP io threads (0 = one per core)");
  app.add_option("--allow-grpc", f.allow_grpc, "Serve gRPC (true/false)");
  app.add_option("--allow-metrics", f.allow_metrics, "Serve metrics (true/false)");
  app.add_option("--http-max-input-size", f.max_body_bytes, "Largest accepted HTTP body in bytes");
  app.add_option("--log-verbose", f.log_verbose, "Verbose logging level (>= 1 logs every request)");
  app.add_option("--log-format", f.log_format, "text | json")->check(CLI::IsMember({"text", "json"}));
  app.add_option("--strict-readiness", f.strict_readiness,
                 "Ready only when every model loaded (true/false)");
  app.add_option("--exit-timeout-secs", f.exit_timeout_secs,
                 "Seconds to let in-flight requests finish on SIGTERM/SIGINT");
  app.add_option("--drain-delay-secs", f.drain_delay_secs,
                 "Seconds to keep serving with readiness false after SIGTERM, so that load "
                 "balancers stop sending before the listeners close (0 = close at once)")
      ->check(CLI::Range(0, 3600));
  app.add_flag("--demo", f.demo, "Serve the demo models (written to --demo-dir first)");
  app.add_option("--demo-dir", f.demo_dir, "Where --demo writes its models (default: a temp folder)");
}

StatusOr<ModelControlMode> ParseControlMode(const std::string& s) {
  if (s == "none") return ModelControlMode::kNone;
  if (s == "poll") return ModelControlMode::kPoll;
  if (s == "explicit") return ModelControlMode::kExplicit;
  return InvalidArgumentError("--model-control-mode must be none, poll or explicit, not '" + s + "'");
}

// Blocks until SIGINT or SIGTERM arrives.
int WaitForSignal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  int sig = 0;
  sigwait(&set, &sig);
  return sig;
}

int Fail(const Status& status) {
  LogError("strato serve failed", {{"error", status.ToString()}});
  return 1;
}

}  // namespace

int ServeCommand(int argc, char** argv) {
  CLI::App app{"Run the strato inference server (KServe v2 over HTTP and gRPC, Prometheus metrics)",
               "strato serve"};
  ServeFlags f;
  AddFlags(app, f);
  LifecycleFlags lifecycle_flags;
  AddLifecycleFlags(app, lifecycle_flags);
  SecurityFlags security_flags;
  AddSecurityFlags(app, security_flags);
  CLI11_PARSE(app, argc, argv);

  SetLogFormat(f.log_format == "json" ? LogFormat::kJson : LogFormat::kText);
  SetLogVerbose(f.log_verbose);

  // Block the signals in every thread; the main thread waits for them.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);

  if (f.demo) {
    std::string dir = f.demo_dir;
    if (dir.empty()) {
      dir = (std::filesystem::temp_directory_path() / "strato-demo-models").string();
    }
    std::error_code ec;
    if (!std::filesystem::exists(std::filesystem::path(dir) / "xgb_fraud", ec)) {
      LogInfo("writing demo models", {{"dir", dir}});
      const Status s = WriteDemoModelRepository(dir);
      if (!s.ok()) return Fail(s);
    }
#ifdef STRATO_HAVE_LLAMA
    if (const Status s = llm::WriteDemoLlmModel(dir); !s.ok()) return Fail(s);
#endif
    if (const Status s = routing::WriteDemoRoutingModel(dir); !s.ok()) return Fail(s);
    if (const Status s = forecast::WriteDemoForecastModel(dir); !s.ok()) return Fail(s);
    if (const Status s = recsys::WriteDemoRecommenderModel(dir); !s.ok()) return Fail(s);
    if (const Status s = sentiment::WriteDemoSentimentModel(dir); !s.ok()) return Fail(s);
#ifdef STRATO_HAVE_SPEECH
    if (const Status s = speech::WriteDemoSpeechModels(dir); !s.ok()) return Fail(s);
#endif
    f.repositories.push_back(dir);
  }
  if (f.repositories.empty()) {
    std::fprintf(stderr,
                 "strato serve: give at least one --model-repository DIR (or --demo for the demo "
                 "models)\n");
    return 2;
  }

  auto mode = ParseControlMode(f.control_mode);
  if (!mode.ok()) return Fail(mode.status());

  auto authenticator_or = ApplySecurityFlags(security_flags);
  if (!authenticator_or.ok()) return Fail(authenticator_or.status());
  std::unique_ptr<Authenticator> authenticator = std::move(authenticator_or).value();

  MetricsRegistry metrics;
  RegisterProcessMetrics(&metrics);
  BackendRegistry backends;
  RegisterBuiltinBackends(&backends);
  routing::RegisterRoutingBackend(&backends);
  forecast::RegisterForecastBackend(&backends);
  sentiment::RegisterSentimentBackend(&backends);
#ifdef STRATO_HAVE_LLAMA
  llm::RegisterLlamaBackend(&backends);
#endif
  recsys::RegisterRecommenderBackend(&backends);
#ifdef STRATO_HAVE_SPEECH
  speech::RegisterSpeechBackends(&backends);
#endif

  ModelManagerOptions mopts;
  mopts.repositories = f.repositories;
  mopts.control_mode = *mode;
  mopts.repository_poll_secs = f.poll_secs;
  mopts.startup_models = f.load_models;
  mopts.strict_readiness = f.strict_readiness;
  ApplyElasticFlags(lifecycle_flags, &mopts);
  auto manager_or = CreateModelManager(mopts, &backends, &metrics);
  if (!manager_or.ok()) return Fail(manager_or.status());
  std::unique_ptr<ModelManager> manager = std::move(manager_or).value();
  auto lifecycle_or = Lifecycle::Create(lifecycle_flags, mopts, manager.get(), &metrics);
  if (!lifecycle_or.ok()) return Fail(lifecycle_or.status().WithPrefix("registry"));
  std::unique_ptr<Lifecycle> lifecycle = std::move(lifecycle_or).value();
  ModelManager* const served = lifecycle->manager();  // routes deployed models

  ServerInfo info;
  HttpServerOptions hopts;
  hopts.address = f.address;
  hopts.port = f.http_port;
  hopts.threads = f.http_threads;
  hopts.max_body_bytes = f.max_body_bytes;
  ApplyHttpSecurity(security_flags, authenticator.get(), &hopts);
  lifecycle->AddRoutes(&hopts);
  auto http = StartHttpServer(hopts, served, &metrics, info);
  if (!http.ok()) return Fail(http.status().WithPrefix("HTTP server"));

  std::unique_ptr<GrpcServer> grpc;
  if (f.allow_grpc) {
    GrpcServerOptions gopts;
    gopts.address = f.address;
    gopts.port = f.grpc_port;
    gopts.max_message_bytes = static_cast<int>(std::min<size_t>(f.max_body_bytes, INT32_MAX));
    ApplyGrpcSecurity(security_flags, authenticator.get(), &gopts);
    auto g = StartGrpcServer(gopts, served, info);
    if (!g.ok()) return Fail(g.status().WithPrefix("gRPC server"));
    grpc = std::move(g).value();
  }
  std::unique_ptr<HttpServer> metrics_server;
  if (f.allow_metrics) {
    HttpServerOptions mo;
    mo.address = f.address;
    mo.port = f.metrics_port;
    mo.threads = 1;
    ApplyHttpSecurity(security_flags, nullptr, &mo);
    auto m = StartMetricsServer(mo, &metrics);
    if (!m.ok()) return Fail(m.status().WithPrefix("metrics server"));
    metrics_server = std::move(m).value();
  }
  LogInfo("strato serving",
          {{"http_port", std::to_string((*http)->port())},
           {"grpc_port", grpc ? std::to_string(grpc->port()) : "off"},
           {"metrics_port", metrics_server ? std::to_string(metrics_server->port()) : "off"},
           {"console", "http://" + (f.address == "0.0.0.0" || f.address == "::" ? std::string("localhost") : f.address) +
                           ":" + std::to_string((*http)->port()) + "/console"}});

  // Models load after the ports are open so that liveness answers at once
  // and readiness turns true when they are loaded.
  const Status started = manager->Start();
  if (!started.ok()) return Fail(started);
  const Status deployed = lifecycle->Start();
  if (!deployed.ok()) return Fail(deployed.WithPrefix("deployments"));

  const int sig = WaitForSignal();
  LogInfo("draining", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
  info.draining->store(true);
  // Readiness is now false but the listeners stay open: a load balancer's
  // health check (or Kubernetes removing the endpoint) needs a moment to see
  // it, and requests it still sends meanwhile are served, not refused.
  if (f.drain_delay_secs > 0) {
    LogInfo("drain delay", {{"seconds", std::to_string(f.drain_delay_secs)}});
    std::this_thread::sleep_for(std::chrono::seconds(f.drain_delay_secs));
  }
  // Stop accepting, let in-flight requests answer, then unload the models.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(f.exit_timeout_secs);
  lifecycle->Stop();
  if (grpc) grpc->Shutdown();
  (*http)->Shutdown();
  manager->Stop();
  if (metrics_server) metrics_server->Shutdown();
  if (std::chrono::steady_clock::now() > deadline) {
    LogWarning("drain took longer than --exit-timeout-secs");
  }
  LogInfo("stopped");
  return 0;
}

}  // namespace strato::cli
