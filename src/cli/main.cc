// strato: one binary, many subcommands (serve, perf, demo-repo, ...).
#include <cstdio>
#include <cstring>
#include <string_view>

#include "commands.h"
#include "strato/forecast/command.h"
#include "strato/perf/perf.h"

namespace {

constexpr const char* kUsage =
    "strato: serve, measure and manage AI models\n"
    "\n"
    "Usage: strato <command> [options]\n"
    "\n"
    "Commands:\n"
    "  serve       run the inference server (KServe v2 HTTP + gRPC, metrics)\n"
    "  perf        load generator: throughput and latency of a served model\n"
    "  demo-repo   write the demo model repository into a folder\n"
    "  model       model registry and deployments (push, list, promote, ...)\n"
    "  train       run a training pipeline (PIPELINE.yaml) and register the model\n"
    "  model pull  download a model (hf://, https://) into a repository as a new version\n"
    "  route       plan vehicle routes (CVRP / VRPTW) with a hybrid genetic search\n"
    "  forecast    demand forecasting: evaluate on M4, inventory simulation\n"
    "  recommend   evaluate the recommenders on MovieLens 100K (recommend eval)\n"
    "  sentiment   train, predict and evaluate sentiment models (text in, label out)\n"
    "  auth        API keys for the server (create, list, revoke)\n"
    "  version     print the version\n"
    "\n"
    "Run 'strato <command> --help' for the options of a command.\n";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0 ||
      std::strcmp(argv[1], "help") == 0) {
    std::fputs(kUsage, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  const std::string_view command = argv[1];
  if (command == "serve") return strato::cli::ServeCommand(argc - 1, argv + 1);
  if (command == "perf") return strato::RunPerfCommand(argc - 1, argv + 1);
  if (command == "forecast") return strato::forecast::RunForecastCommand(argc - 1, argv + 1);
  if (command == "train") return strato::cli::TrainCommand(argc - 1, argv + 1);
  if (command == "model" && argc >= 3 && std::strcmp(argv[2], "pull") == 0) {
    return strato::cli::ModelPullCommand(argc - 2, argv + 2);
  }
  if (command == "model") return strato::cli::ModelCommand(argc - 1, argv + 1);
  if (command == "route") return strato::cli::RouteCommand(argc - 1, argv + 1);
  if (command == "recommend") return strato::cli::RecommendCommand(argc - 1, argv + 1);
  if (command == "sentiment") return strato::cli::SentimentCommand(argc - 1, argv + 1);
  if (command == "auth") return strato::cli::AuthCommand(argc - 1, argv + 1);
  if (command == "demo-repo") return strato::cli::DemoRepoCommand(argc - 1, argv + 1);
  if (command == "version" || command == "--version") {
    std::puts("strato 0.1.0");
    return 0;
  }
  std::fprintf(stderr, "strato: unknown command '%s'\n\n%s", argv[1], kUsage);
  return 2;
}
