#include "strato/forecast/command.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>

#include "strato/forecast/evaluation.h"
#include "strato/forecast/inventory_experiment.h"
#include "strato/forecast/series.h"

namespace strato::forecast {
namespace {

constexpr const char* kUsage =
    "Usage: strato forecast <subcommand> [options]\n"
    "\n"
    "Subcommands:\n"
    "  eval        evaluate every model on an M4 frequency (sMAPE, MASE, OWA, fit time)\n"
    "  inventory   replay the M4 test horizons as demand through a forecast-driven policy\n"
    "              and a naive periods-of-cover policy (service level, stock, cost)\n"
    "\n"
    "strato forecast eval|inventory --data DIR --freq hourly|weekly [options]\n"
    "  --data DIR          folder with <Freq>-train.csv and <Freq>-test.csv (M4 wide format)\n"
    "  --freq F            hourly (h=48, m=24) or weekly (h=13, m=1)\n"
    "  --models LIST       comma-separated local models (default: all:\n"
    "                      snaive,naive2,ses,holt,damped,theta,ets,comb)\n"
    "  --no-xgb            leave out the global XGBoost model\n"
    "  --refit             refit XGBoost on all data (validation window included) with\n"
    "                      the rounds early stopping chose, for the test forecasts\n"
    "  --xgb-rows N        most recent training rows per series for XGBoost\n"
    "                      (default: hourly 400, weekly 1000)\n"
    "  --xgb-rounds N      boosting rounds at most (default 300, early stopping on validation)\n"
    "  --threads N         worker threads (default 2)\n"
    "  --max-series N      evaluate only the first N series\n"
    "  --per-series FILE   (eval) also write each series' test sMAPE and MASE per model (CSV)\n"
    "\n"
    "inventory options (periods are the data's: hours or weeks):\n"
    "  --policy P          rs (periodic order-up-to, default), sq (reorder point, EOQ),\n"
    "                      ss (reorder point, order up to s + EOQ)\n"
    "  --lead-time N       periods from order to receipt (default 1)\n"
    "  --review N          review period R of the (R,S) policy (default 1)\n"
    "  --service P         target cycle service level (default 0.95)\n"
    "  --error-correlation R  correlation of forecast errors between periods, 0..1 (default 1)\n"
    "  --backorders        unmet demand waits (default: it is lost)\n"
    "  --holding H --ordering K --stockout P   costs per unit-period, per order, per unit short\n";

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

bool ParseDouble(const char* text, double* out) {
  char* end = nullptr;
  const double v = std::strtod(text, &end);
  if (end == text || *end != '\0' || !std::isfinite(v)) return false;
  *out = v;
  return true;
}

void PrintProgress(std::string_view stage, size_t done, size_t total) {
  if (done != total && done % 25 != 0) return;
  std::fprintf(stderr, "\r  %-8.*s %zu/%zu%s", static_cast<int>(stage.size()), stage.data(), done,
               total, done == total ? "\n" : "");
  std::fflush(stderr);
}

struct Args {
  std::string data, freq_name, per_series;
  EvaluationOptions eval;
  InventoryExperimentOptions inventory;
};

// Parses argv into *args; returns -1 to go on, else the exit code.
int ParseArgs(int argc, char** argv, bool inventory, Args* args) {
  const char* sub = inventory ? "inventory" : "eval";
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    const char* text = nullptr;
    auto value = [&](const char* name) -> bool {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "strato forecast %s: %s needs a value\n", sub, name);
        return false;
      }
      text = argv[++i];
      return true;
    };
    auto bad = [&](const char* what) {
      std::fprintf(stderr, "strato forecast %s: %s %s\n", sub, argv[i - 1], what);
      return 2;
    };
    int iv = 0;
    PolicySettings& ps = args->inventory.settings;
    if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (a == "--no-xgb") {
      args->eval.global_model = false;
    } else if (a == "--refit") {
      args->eval.refit_global = true;
    } else if (a == "--backorders" && inventory) {
      args->inventory.backorders = true;
    } else if (a.starts_with("--")) {
      const std::string name(a);
      if (!value(name.c_str())) return 2;
      if (a == "--data") {
        args->data = text;
      } else if (a == "--freq") {
        args->freq_name = text;
      } else if (a == "--per-series" && !inventory) {
        args->per_series = text;
      } else if (a == "--xgb-rows") {
        if (!ParseInt(text, &args->eval.global.max_rows_per_series) ||
            args->eval.global.max_rows_per_series < 1)
          return bad("must be a positive integer");
      } else if (a == "--xgb-rounds") {
        if (!ParseInt(text, &args->eval.global.rounds) || args->eval.global.rounds < 1)
          return bad("must be a positive integer");
      } else if (a == "--threads") {
        if (!ParseInt(text, &args->eval.threads) || args->eval.threads < 1)
          return bad("must be a positive integer");
      } else if (a == "--max-series") {
        if (!ParseInt(text, &iv)) return bad("must be an integer >= 0");
        args->eval.max_series = static_cast<size_t>(iv);
      } else if (a == "--models") {
        args->eval.models.clear();
        const std::string list = text;
        size_t pos = 0;
        while (pos <= list.size()) {
          const size_t comma = std::min(list.find(',', pos), list.size());
          const std::string model_name = list.substr(pos, comma - pos);
          LocalModel model;
          if (!ParseLocalModel(model_name, &model)) {
            std::fprintf(stderr, "strato forecast %s: unknown model '%s' in --models\n", sub,
                         model_name.c_str());
            return 2;
          }
          args->eval.models.push_back(model);
          pos = comma + 1;
        }
      } else if (inventory && a == "--policy") {
        const std::string_view p = text;
        if (p == "rs") {
          args->inventory.kind = PolicyKind::kPeriodicOrderUpTo;
        } else if (p == "sq") {
          args->inventory.kind = PolicyKind::kReorderPointQuantity;
        } else if (p == "ss") {
          args->inventory.kind = PolicyKind::kReorderPointOrderUpTo;
        } else {
          return bad("must be rs, sq or ss");
        }
      } else if (inventory && a == "--lead-time") {
        if (!ParseInt(text, &ps.lead_time)) return bad("must be an integer >= 0");
      } else if (inventory && a == "--review") {
        if (!ParseInt(text, &ps.review_period) || ps.review_period < 1)
          return bad("must be a positive integer");
      } else if (inventory && a == "--service") {
        if (!ParseDouble(text, &ps.service_level) || ps.service_level <= 0 || ps.service_level >= 1)
          return bad("must be in (0, 1)");
      } else if (inventory && a == "--error-correlation") {
        if (!ParseDouble(text, &ps.error_correlation) || ps.error_correlation < 0 ||
            ps.error_correlation > 1)
          return bad("must be in [0, 1]");
      } else if (inventory && a == "--holding") {
        if (!ParseDouble(text, &ps.costs.holding) || ps.costs.holding < 0)
          return bad("must be >= 0");
      } else if (inventory && a == "--ordering") {
        if (!ParseDouble(text, &ps.costs.ordering) || ps.costs.ordering < 0)
          return bad("must be >= 0");
      } else if (inventory && a == "--stockout") {
        if (!ParseDouble(text, &ps.costs.stockout) || ps.costs.stockout < 0)
          return bad("must be >= 0");
      } else {
        std::fprintf(stderr, "strato forecast %s: unknown option '%s'\n\n%s", sub, name.c_str(),
                     kUsage);
        return 2;
      }
    } else {
      std::fprintf(stderr, "strato forecast %s: unexpected argument '%s'\n\n%s", sub, argv[i],
                   kUsage);
      return 2;
    }
  }
  if (args->data.empty() || args->freq_name.empty()) {
    std::fprintf(stderr, "strato forecast %s: --data and --freq are required\n\n%s", sub, kUsage);
    return 2;
  }
  return -1;
}

struct Loaded {
  M4Frequency freq;
  std::vector<Series> train, test;
};

StatusOr<Loaded> Load(const Args& args) {
  ASSIGN_OR_RETURN(M4Frequency freq, M4FrequencyByName(args.freq_name));
  const auto dir = std::filesystem::path(args.data);
  std::fprintf(stderr, "reading %s data from %s\n", freq.name.c_str(), args.data.c_str());
  ASSIGN_OR_RETURN(auto train, ReadM4Wide((dir / (freq.name + "-train.csv")).string()));
  ASSIGN_OR_RETURN(auto test, ReadM4Wide((dir / (freq.name + "-test.csv")).string()));
  return Loaded{freq, std::move(train), std::move(test)};
}

StatusOr<EvaluationResult> Evaluate(Args* args, const Loaded& data) {
  args->eval.progress = PrintProgress;
  if (args->eval.global.max_rows_per_series == GlobalModelOptions{}.max_rows_per_series) {
    args->eval.global.max_rows_per_series = data.freq.xgb_rows;
  }
  return EvaluateM4(data.train, data.test, data.freq, args->eval);
}

int EvalCommand(int argc, char** argv) {
  Args args;
  if (int rc = ParseArgs(argc, argv, false, &args); rc >= 0) return rc;
  StatusOr<Loaded> data = Load(args);
  if (!data.ok()) return Fail(data.status().message());
  StatusOr<EvaluationResult> result = Evaluate(&args, *data);
  if (!result.ok()) return Fail(result.status().message());
  const M4Frequency& freq = data->freq;
  std::printf(
      "M4 %s: %zu series, h=%d, m=%d (validation window: the last h values of each "
      "training series)\n\n",
      freq.name.c_str(), result->series, freq.horizon, freq.season);
  std::printf("%-12s %8s %8s %7s %9s %9s %10s %10s %8s %8s\n", "model", "sMAPE", "MASE", "OWA",
              "val sMAPE", "val OWA", "cov90 conf", "cov90 own", "wall s", "cpu s");
  for (const ModelScore& s : result->scores) {
    char own[16] = "-";
    if (s.model_coverage >= 0) std::snprintf(own, sizeof own, "%.3f", s.model_coverage);
    std::printf("%-12s %8.3f %8.3f %7.3f %9.3f %9.3f %10.3f %10s %8.2f %8.2f\n", s.model.c_str(),
                s.smape, s.mase, s.owa, s.valid_smape, s.valid_owa, s.conformal_coverage, own,
                s.seconds, s.cpu_seconds);
  }
  if (!args.per_series.empty()) {
    std::FILE* f = std::fopen(args.per_series.c_str(), "w");
    if (f == nullptr) return Fail("cannot write " + args.per_series);
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
      freq.naive2_smape, freq.naive2_mase, freq.theta_smape, freq.theta_mase, freq.winner_smape,
      freq.winner_mase);
  return 0;
}

int InventoryCommand(int argc, char** argv) {
  Args args;
  if (int rc = ParseArgs(argc, argv, true, &args); rc >= 0) return rc;
  StatusOr<Loaded> data = Load(args);
  if (!data.ok()) return Fail(data.status().message());
  StatusOr<EvaluationResult> fc = Evaluate(&args, *data);
  if (!fc.ok()) return Fail(fc.status().message());
  std::vector<std::vector<double>> histories, demand;
  for (size_t s = 0; s < fc->series; ++s) {
    histories.push_back(data->train[s].values);
    demand.push_back(data->test[s].values);
  }
  args.inventory.average_window = data->freq.season > 1 ? data->freq.season : 4;
  StatusOr<InventoryExperiment> ex = RunInventoryExperiment(histories, demand, fc->combination,
                                                            fc->lower, fc->upper, args.inventory);
  if (!ex.ok()) return Fail(ex.status().message());
  const PolicySettings& ps = args.inventory.settings;
  std::printf(
      "M4 %s test horizons as demand: %zu series x %d periods, lead time %d, review %d, "
      "target cycle service level %.3f, %s\n"
      "forecast: median combination of %zu models with its conformal 90%% interval\n\n",
      data->freq.name.c_str(), ex->series, data->freq.horizon, ps.lead_time, ps.review_period,
      ps.service_level, args.inventory.backorders ? "backorders" : "lost sales",
      fc->members.size());
  std::printf("%-32s %9s %9s %11s %10s %10s %8s\n", "policy", "CSL", "fill", "on hand", "stockouts",
              "cost", "cover");
  std::printf("%-32s %9s %9s %11s %10s %10s %8s\n", "", "", "rate", "(periods)", "/series",
              "/series", "");
  for (const PolicyOutcome* o : {&ex->forecast, &ex->naive}) {
    std::printf("%-32s %9.4f %9.4f %11.3f %10.3f %10.3f %8s\n", o->policy.c_str(),
                o->cycle_service_level, o->fill_rate, o->periods_of_supply, o->stockout_periods,
                o->total_cost,
                o == &ex->naive ? std::to_string(o->cover_periods).substr(0, 6).c_str() : "-");
  }
  const double saved = 1 - ex->forecast.periods_of_supply / ex->naive.periods_of_supply;
  std::printf(
      "\nrealised service %.4f vs target %.3f (%+.2f points); average stock %.1f%% %s "
      "than the naive policy at equal service\n",
      ex->forecast.cycle_service_level, ps.service_level,
      100 * (ex->forecast.cycle_service_level - ps.service_level), 100 * std::abs(saved),
      saved >= 0 ? "lower" : "higher");
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
  if (sub == "inventory") return InventoryCommand(argc - 1, argv + 1);
  std::fprintf(stderr, "strato forecast: unknown subcommand '%s'\n\n%s", argv[1], kUsage);
  return 2;
}

}  // namespace strato::forecast
