// Label leakage check: features that alone (nearly) determine a class
// label. A derived label that keeps its source columns as features (e.g.
// "machine failure" = any of five failure flags) trains to accuracy 1.0 and
// says nothing about the real problem; `strato train` warns in the CLI and
// the report when it sees one.
#pragma once

#include <string>
#include <vector>

#include "strato/train/xgb_trainer.h"

namespace strato::train {

struct LeakingFeature {
  std::string name;
  double accuracy = 0;  // predicting the label from this feature alone
  double baseline = 0;  // predicting the majority class
};

// For each column of `train` (classification labels in train.y), the
// accuracy of predicting the class from the value alone: the better of a
// lookup (exact values when it has at most 32, else up to 32 equal-count
// buckets) and a single threshold separating the rarest class. Flags a column
// whose accuracy is >= 0.99 and removes >= 95% of the majority baseline's
// errors.
std::vector<LeakingFeature> FindLeakingFeatures(const Matrix& train,
                                                const std::vector<std::string>& names);

// "feature 'x' alone predicts the label (accuracy 0.999, majority class
// 0.966): is it derived from the label?"
std::string LeakageWarning(const LeakingFeature& feature);

}  // namespace strato::train
