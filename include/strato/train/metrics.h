// Evaluation metrics for regression and classification.
//
// Conventions: `y` are true labels (0/1 for binary, 0..K-1 for multiclass),
// `p` predictions (binary: P(class 1); multiclass: rows x K probabilities).
// Thread-safety: pure functions.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace strato::train {

double Rmse(const std::vector<double>& y, const std::vector<double>& p);
double Mae(const std::vector<double>& y, const std::vector<double>& p);
// NASA's asymmetric PHM08 score: sum of exp(-d/13)-1 (early, d<0) and
// exp(d/10)-1 (late) with d = predicted - true.
double NasaScore(const std::vector<double>& y, const std::vector<double>& p);

// Area under the ROC curve (ties counted half); NaN without both classes.
double RocAuc(const std::vector<double>& y, const std::vector<double>& p);
// Average precision (area under the precision-recall step curve).
double PrAuc(const std::vector<double>& y, const std::vector<double>& p);

struct BinaryCounts {
  long tp = 0, fp = 0, tn = 0, fn = 0;
  double precision() const;
  double recall() const;
  double f1() const;
  double accuracy() const;
};
BinaryCounts CountBinary(const std::vector<double>& y, const std::vector<double>& p,
                         double threshold);
// The threshold maximising F1 over the distinct predictions.
double BestF1Threshold(const std::vector<double>& y, const std::vector<double>& p);

// Calibration: `bins` equal-width bins of predicted probability; per bin
// the mean prediction, the observed rate and the count.
struct CalibrationBin {
  double mean_predicted = 0, observed = 0;
  long count = 0;
};
std::vector<CalibrationBin> Calibration(const std::vector<double>& y, const std::vector<double>& p,
                                        int bins);
double Brier(const std::vector<double>& y, const std::vector<double>& p);
double LogLoss(const std::vector<double>& y, const std::vector<double>& p);

// Multiclass: confusion[true][predicted], accuracy, macro F1, mean log loss.
struct MulticlassReport {
  std::vector<std::vector<long>> confusion;
  double accuracy = 0, macro_f1 = 0, logloss = 0;
};
MulticlassReport EvaluateMulticlass(const std::vector<double>& y, const std::vector<float>& prob,
                                    int num_class);

// ROC / PR curve points (x, y), at most `max_points`, for plots.
std::vector<std::pair<double, double>> RocCurve(const std::vector<double>& y,
                                                const std::vector<double>& p, size_t max_points);
std::vector<std::pair<double, double>> PrCurve(const std::vector<double>& y,
                                               const std::vector<double>& p, size_t max_points);

// Whether a larger value of `metric` is better (auc, pr_auc, f1, accuracy).
bool HigherIsBetter(const std::string& metric);

}  // namespace strato::train
