#include "strato/forecast/command.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>

#include "strato/forecast/evaluation.h"
#include "strato/forecast/series.h"

namespace strato::forecast {
namespace {

constexpr const char* kUsage =
    "Usage: strato forecast <subcommand> [options]\n"
    "\n"
    "Subcommands:\n"
    "  eval        evaluate every model on an M4 frequency (sMAPE, MASE, OWA, fit time)\n"
    "\n"
    "strato forecast eval --data DIR --freq hourly|weekly [options]\n"
    "  --data DIR          folder with <Freq>-train.csv and <Freq>-test.csv (M4 wide format)\n"
    "  --freq F            hourly (h=48, m=24) or weekly (h=13, m=1)\n"
    "  --models LIST       comma-separated local models (default: all:\n"
    "                      snaive,naive2,ses,holt,damped,theta,ets,comb)\n"
    "  --no-xgb            leave out the global XGBoost model\n"
    "  --xgb-rows N        most recent training rows per series for XGBoost (default 400)\n"
    "  --xgb-rounds N      boosting rounds at most (default 300, early stopping on validation)\n"
    "  --threads N         worker threads (default 2)\n"
    "  --max-series N      evaluate only the first N series\n"
    "  --per-series FILE   also write each series' test sMAPE and MASE per model (CSV)\n";

int Fail(const std::string& message) {
  std::fprintf(stderr, "strato forecast: %s\n", message.c_str());
  return 1;
}

bool ParseInt(const char* text, int* out) {
  char* end = nullptr;
  const long v = std::strtol(text, &end, 10);
  if (end == text || *end != '\0' || v < 0 || v > 1000000) return false;
  *out = static_cast<int>(v);
  return true;
}

void PrintProgress(std::string_view stage, size_t done, size_t total) {
  if (done != total && done % 25 != 0) return;
  std::fprintf(stderr, "\r  %-8.*s %zu/%zu%s", static_cast<int>(stage.size()), stage.data(), done,
               total, done == total ? "\n" : "");
  std::fflush(stderr);
}

int EvalCommand(int argc, char** argv) {
  std::string data, freq_name, per_series;
  EvaluationOptions options;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    auto value = [&](const char* name) -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "strato forecast eval: %s needs a value\n", name);
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (a == "--data") {
      data = value("--data");
    } else if (a == "--freq") {
      freq_name = value("--freq");
    } else if (a == "--per-series") {
      per_series = value("--per-series");
    } else if (a == "--xgb-rows") {
      if (!ParseInt(value("--xgb-rows"), &options.global.max_rows_per_series) ||
          options.global.max_rows_per_series < 1) {
        return Fail("--xgb-rows must be a positive integer");
      }
    } else if (a == "--xgb-rounds") {
      if (!ParseInt(value("--xgb-rounds"), &options.global.rounds) || options.global.rounds < 1) {
        return Fail("--xgb-rounds must be a positive integer");
      }
    } else if (a == "--no-xgb") {
      options.global_model = false;
    } else if (a == "--threads") {
      if (!ParseInt(value("--threads"), &options.threads) || options.threads < 1) {
        return Fail("--threads must be a positive integer");
      }
    } else if (a == "--max-series") {
      int v = 0;
      if (!ParseInt(value("--max-series"), &v)) return Fail("--max-series must be an integer >= 0");
      options.max_series = static_cast<size_t>(v);
    } else if (a == "--models") {
      options.models.clear();
      std::string list = value("--models");
      size_t pos = 0;
      while (pos <= list.size()) {
        const size_t comma = std::min(list.find(',', pos), list.size());
        const std::string name = list.substr(pos, comma - pos);
        LocalModel model;
        if (!ParseLocalModel(name, &model)) return Fail("unknown model '" + name + "' in --models");
        options.models.push_back(model);
        pos = comma + 1;
      }
    } else {
      std::fprintf(stderr, "strato forecast eval: unknown option '%s'\n\n%s", argv[i], kUsage);
      return 2;
    }
  }
  if (data.empty() || freq_name.empty()) {
    std::fprintf(stderr, "strato forecast eval: --data and --freq are required\n\n%s", kUsage);
    return 2;
  }
  StatusOr<M4Frequency> freq = M4FrequencyByName(freq_name);
  if (!freq.ok()) return Fail(freq.status().message());
  const auto dir = std::filesystem::path(data);
  std::fprintf(stderr, "reading %s data from %s\n", freq->name.c_str(), data.c_str());
  auto train = ReadM4Wide((dir / (freq->name + "-train.csv")).string());
  if (!train.ok()) return Fail(train.status().message());
  auto test = ReadM4Wide((dir / (freq->name + "-test.csv")).string());
  if (!test.ok()) return Fail(test.status().message());
  options.progress = PrintProgress;
  StatusOr<EvaluationResult> result = EvaluateM4(*train, *test, *freq, options);
  if (!result.ok()) return Fail(result.status().message());
  std::printf(
      "M4 %s: %zu series, h=%d, m=%d (validation window: the last h values of each "
      "training series)\n\n",
      freq->name.c_str(), result->series, freq->horizon, freq->season);
  std::printf("%-12s %8s %8s %7s %9s %9s %10s %10s %8s %8s\n", "model", "sMAPE", "MASE", "OWA",
              "val sMAPE", "val OWA", "cov90 conf", "cov90 own", "wall s", "cpu s");
  for (const ModelScore& s : result->scores) {
    char own[16] = "-";
    if (s.model_coverage >= 0) std::snprintf(own, sizeof own, "%.3f", s.model_coverage);
    std::printf("%-12s %8.3f %8.3f %7.3f %9.3f %9.3f %10.3f %10s %8.2f %8.2f\n", s.model.c_str(),
                s.smape, s.mase, s.owa, s.valid_smape, s.valid_owa, s.conformal_coverage, own,
                s.seconds, s.cpu_seconds);
  }
  if (!per_series.empty()) {
    std::FILE* f = std::fopen(per_series.c_str(), "w");
    if (f == nullptr) return Fail("cannot write " + per_series);
    std::fprintf(f, "series_id,model,smape,mase\n");
    for (const ModelScore& s : result->scores) {
      for (size_t i = 0; i < s.series_smape.size(); ++i) {
        std::fprintf(f, "%s,%s,%.6f,%.6f\n", result->ids[i].c_str(), s.model.c_str(),
                     s.series_smape[i], s.series_mase[i]);
      }
    }
    std::fclose(f);
  }
  std::printf("\ncombination = median of:");
  for (const auto& m : result->members) std::printf(" %s", m.c_str());
  std::printf(
      "\nanchors (M4 paper, sMAPE / MASE): Naive2 %.3f / %.3f, Theta %.3f / %.3f, "
      "winner (Smyl) %.3f / %.3f\n",
      freq->naive2_smape, freq->naive2_mase, freq->theta_smape, freq->theta_mase,
      freq->winner_smape, freq->winner_mase);
  return 0;
}

}  // namespace

int RunForecastCommand(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
    std::fputs(kUsage, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  const std::string_view sub = argv[1];
  if (sub == "eval") return EvalCommand(argc - 1, argv + 1);
  std::fprintf(stderr, "strato forecast: unknown subcommand '%s'\n\n%s", argv[1], kUsage);
  return 2;
}

}  // namespace strato::forecast
