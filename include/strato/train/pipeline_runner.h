// RunPipeline: the whole of `strato train` for one parsed pipeline file:
// ingest and validate, split, fit the transform on the training rows,
// search (optional) and train XGBoost with early stopping, evaluate on the
// validation, holdout and test sets, write the artefacts and the HTML
// report to the output folder, and register a new model version.
//
// The test set (`test:`) is evaluated once, after every choice (parameters,
// iteration, threshold) was made on the validation set.
//
// Errors: INVALID_ARGUMENT for data or configuration problems (naming the
// file, line, column or key), INTERNAL for XGBoost or filesystem failures.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "strato/core/status.h"
#include "strato/train/pipeline_config.h"

namespace strato::train {

struct RunOptions {
  bool quiet = false;        // no progress bars
  bool register_model = true;
  int threads = 0;           // > 0 overrides train.threads
};

struct RunSummary {
  std::string output_dir;
  int64_t version = 0;  // 0 when not registered
  std::string register_note;
  std::vector<std::string> warnings;  // e.g. a feature that alone determines the label
  std::map<std::string, std::map<std::string, double>> metrics;  // set -> metric -> value
  std::string selection_metric;
  double train_seconds = 0;
};

StatusOr<RunSummary> RunPipeline(const PipelineConfig& config, const RunOptions& options);

// Predicts with a saved version folder (transform.json + model.json) on raw
// rows, exactly as the strato_pipeline backend does: rows x width values.
// Numeric inputs are rounded to float first, as an FP32 request carries them.
StatusOr<std::vector<float>> PredictWithVersion(const std::string& version_dir,
                                                const features::Table& raw, size_t* width);

// The strato version written into lineage.json.
inline constexpr const char* kStratoVersion = "0.1.0";

}  // namespace strato::train
