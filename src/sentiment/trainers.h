// Internal: the per-family trainers and small solvers used by train.cc.
#pragma once

#include <cstdint>
#include <functional>
#include <random>
#include <string_view>
#include <vector>

#include "strato/sentiment/train.h"

namespace strato::sentiment {

// A featurized training example (ids in occurrence order, duplicates kept).
struct Example {
  std::vector<uint32_t> ids;
  int label = 0;
};

using ProgressFn = std::function<void(double fraction)>;

// Returns the NB-SVM family (weights with the log-count ratios folded in).
LinearFamily TrainNbsvm(const std::vector<Example>& examples, size_t dimension,
                        const NbsvmOptions& options, uint64_t seed, const ProgressFn& progress);

// Returns the fastText-style family (each feature's embedding . output
// vector as its weight, mean pooling).
LinearFamily TrainFastText(const std::vector<Example>& examples, size_t dimension,
                           const FastTextOptions& options, uint64_t seed,
                           const ProgressFn& progress);

// L2-regularised logistic regression by Newton's method for a handful of
// features (calibration, stacking). rows[i] excludes the intercept; the
// result is {intercept, w_1, ..., w_d}.
std::vector<double> FitSmallLogistic(const std::vector<std::vector<double>>& rows,
                                     const std::vector<int>& labels, double l2);

// A permutation of 0..n-1 from `seed` (Fisher-Yates with mt19937_64 and our
// own bounded draw, so every standard library gives the same order).
std::vector<size_t> Permutation(size_t n, uint64_t seed);
// Uniform double in [0, 1) from a 64-bit engine, identical across platforms.
inline double UnitDouble(std::mt19937_64& rng) {
  return static_cast<double>(rng() >> 11) * 0x1.0p-53;
}

}  // namespace strato::sentiment
