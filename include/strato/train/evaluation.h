// Evaluation of one set of predictions (validation, holdout or test):
// the metrics by task, plus what the HTML report plots.
// Thread-safety: a pure function over its arguments.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "strato/train/metrics.h"

namespace strato::train {

struct Evaluation {
  std::string name;  // valid | holdout | test
  size_t rows = 0;
  std::map<std::string, double> metrics;
  std::vector<std::vector<long>> confusion;           // classification
  std::vector<CalibrationBin> calibration;            // binary
  std::vector<std::pair<double, double>> roc, pr;     // binary
  std::vector<std::pair<double, double>> actual_predicted;  // regression, thinned
};

// `pred`: rows x width floats (width = num_class for multiclass, else 1).
// `threshold`: the binary decision threshold (F1, precision, recall,
// confusion); metrics "f1@0.5" is reported as well.
Evaluation Evaluate(const std::string& name, const std::string& task, int num_class,
                    const std::vector<double>& y, const std::vector<float>& pred,
                    double threshold);

}  // namespace strato::train
