// PipelineConfig: what a `strato train PIPELINE.yaml` file declares, parsed
// and checked. See docs/training.md for the file format.
//
// LoadPipelineConfig reports every problem as INVALID_ARGUMENT
// "<file>:<line>: <key path>: <problem>", e.g.
//   pipeline.yaml:14: transforms[1].kind: unknown transform 'scale' (known: ...)
// Checks that need the data (columns exist) happen later, in the runner,
// and name the column and the data file.
//
// Thread-safety: PipelineConfig is a value; parsing keeps no global state.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "strato/core/status.h"
#include "strato/features/csv_reader.h"
#include "strato/features/transform.h"

namespace strato::train {

struct DataSource {
  std::string path;  // resolved against the pipeline file's folder
  features::ReadOptions read;
};

struct LabelConfig {
  std::string column;  // the label column (or the name given to a derived one)
  // "" (the column is in the data), "remaining_life" (max(time) - time per
  // entity), "first_flag" (class = 1 + index of the first set flag, 0 none)
  std::string derive;
  std::string entity, time;        // remaining_life
  std::vector<std::string> flags;  // first_flag
  double cap = 0;                  // > 0: labels above cap are set to cap
};

// One hyper-parameter's search range.
struct SearchRange {
  std::string name;
  std::string kind;  // int | uniform | log | choice
  double low = 0, high = 0;
  std::vector<std::string> choices;
};

struct SearchConfig {
  std::string method;  // "" (none) | random | halving
  int trials = 8;
  int parallel = 1;
  int min_rounds = 50;  // halving: rounds of the first rung
  int eta = 3;          // halving: keep 1/eta per rung, rounds x eta
  std::vector<SearchRange> space;
};

struct TestConfig {
  DataSource data;
  bool last_per_entity = false;
  std::string entity;       // defaults to label.entity
  std::string labels_file;  // one label per entity (sorted by entity), e.g. RUL_FD001.txt
};

struct PipelineConfig {
  std::string file;  // the pipeline file
  std::string name;
  DataSource data;
  LabelConfig label;
  std::string task;  // regression | binary | multiclass
  std::vector<std::string> drop;  // columns removed after ingest
  features::TransformSpec transform;
  std::map<std::string, std::pair<double, double>> ranges;  // validate: allowed ranges
  // split
  std::string split_method = "random";  // random | grouped | time
  std::string split_by;                 // grouped: entity column; time: time column
  double valid_fraction = 0.2;
  double holdout_fraction = 0;          // a third part never used for choices
  bool stratify = false;
  uint64_t split_seed = 42;
  // train
  std::map<std::string, std::string> params;  // XGBoost parameters
  int rounds = 500;
  int early_stopping = 50;
  uint64_t seed = 42;
  int threads = 2;
  SearchConfig search;
  // evaluate
  std::string metric;  // selection metric; default rmse / auc / mlogloss... by task
  double risk_horizon = 0;
  std::optional<TestConfig> test;
  // output and register
  std::string output_dir;  // report and artefacts; default <pipeline>.out
  std::string repository;  // "" = do not register
  std::string model_name;
  bool only_if_better = false;
};

StatusOr<PipelineConfig> LoadPipelineConfig(const std::string& path);
// The same, from text (tests); `base_dir` resolves relative data paths.
StatusOr<PipelineConfig> ParsePipelineConfig(std::string_view text, const std::string& source,
                                             const std::string& base_dir);

}  // namespace strato::train
