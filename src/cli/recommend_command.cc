// strato recommend eval: trains and evaluates the recommenders of
// src/recsys on MovieLens 100K and prints RMSE/MAE and ranking metrics.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "commands.h"
#include "strato/recsys/evaluation.h"

namespace strato::cli {

int RecommendCommand(int argc, char** argv) {
  CLI::App app{"Recommenders: evaluate matrix-factorisation and baseline models on MovieLens 100K",
               "strato recommend"};
  app.require_subcommand(1);
  CLI::App* eval = app.add_subcommand("eval", "5-fold RMSE/MAE and top-N ranking metrics");
  recsys::EvalOptions options;
  std::string data = "../shared/datasets/recsys/ml-100k";
  bool quiet = false;
  eval->add_option("--data", data, "MovieLens 100K folder (u.data, u.item, u1..u5 folds)")
      ->capture_default_str();
  eval->add_option("--folds", options.folds, "Folds to run (1..5)")
      ->check(CLI::Range(1, 5))
      ->capture_default_str();
  eval->add_option("--rating-models", options.rating_models,
                   "Explicit models: global-mean biases biased-mf svd++ knn-baseline blend "
                   "(give 'none' for none)");
  eval->add_option("--ranking-models", options.ranking_models,
                   "Implicit models: most-popular item-knn bpr wals (give 'none' for none)");
  eval->add_option("--holdout", options.holdout, "Last ratings per user held out for ranking")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  eval->add_option("-k", options.k, "Cut-off of the ranking metrics")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  eval->add_flag("--quiet", quiet, "No per-fold progress lines");
  CLI11_PARSE(app, argc, argv);

  for (auto* list : {&options.rating_models, &options.ranking_models}) {
    if (list->size() == 1 && list->front() == "none") list->clear();
  }
  options.data_dir = data;
  if (!quiet) {
    options.progress = [](const std::string& line) {
      std::fprintf(stderr, "  %s\n", line.c_str());
    };
  }
  auto report = recsys::Evaluate(options);
  if (!report.ok()) {
    std::fprintf(stderr, "strato recommend eval: %s\n", report.status().ToString().c_str());
    return 1;
  }
  std::fputs(recsys::FormatReport(*report).c_str(), stdout);
  return 0;
}

}  // namespace strato::cli
