// Trains small synthetic XGBoost models for tests, benchmarks and the demo
// model repository.
//
// The data has a fixed, known structure so that models are meaningful (not
// noise fits) and reproducible: features are standard normal draws from a
// std::mt19937 seeded with `seed`; the latent score is
//   s = x0 + 0.5 * x1 * x2 - 0.8 * x3 + 0.3 * sin(3 * x4) + 0.25 * noise
// (features past the first five are distractors). Labels per objective:
//   binary:logistic   1 if s > 0 else 0
//   reg:squarederror  s
//   multi:softprob    class k of num_class equally populated bins of s
//                     (cut points are the empirical quantiles of s).
// With the same options the saved model file is byte-identical.
//
// Thread-safety: free function, reentrant; it uses `n_threads` OpenMP
// threads inside XGBoost.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "strato/core/status.h"

namespace strato {

struct SyntheticModelOptions {
  int n_features = 30;        // >= 5
  int n_trees = 300;          // boosting rounds (multi-class: trees per class)
  int max_depth = 6;
  std::string objective = "binary:logistic";  // or reg:squarederror, multi:softprob
  int num_class = 3;          // multi:softprob only; >= 2
  int n_rows = 5000;
  uint32_t seed = 42;
  int n_threads = 2;          // XGBoost nthread while training
};

// Trains on synthetic data and saves the model to `out_file`, creating its
// parent folder. XGBoost 1.7 picks the format from the extension: ".json"
// JSON, ".ubj" Universal Binary JSON, anything else the legacy binary format.
// Errors: INVALID_ARGUMENT for bad options (unknown objective, too few
// features, non-positive sizes); INTERNAL with XGBoost's message when
// training or saving fails (e.g. the folder is not writable).
Status TrainSyntheticXgboostModel(const SyntheticModelOptions& options,
                                  const std::filesystem::path& out_file);

// Fills `rows` x `n_features` row-major features drawn exactly as the
// training data for `seed` (handy for tests and benchmarks that want
// in-distribution inputs).
void SyntheticFeatures(int rows, int n_features, uint32_t seed, float* out);

}  // namespace strato
