#include "strato/train/evaluation.h"

#include <cmath>

namespace strato::train {

Evaluation Evaluate(const std::string& name, const std::string& task, int num_class,
                    const std::vector<double>& y, const std::vector<float>& pred,
                    double threshold) {
  Evaluation e;
  e.name = name;
  e.rows = y.size();
  if (task == "multiclass") {
    const MulticlassReport r = EvaluateMulticlass(y, pred, num_class);
    e.metrics["accuracy"] = r.accuracy;
    e.metrics["macro_f1"] = r.macro_f1;
    e.metrics["mlogloss"] = r.logloss;
    e.confusion = r.confusion;
    return e;
  }
  const std::vector<double> p(pred.begin(), pred.end());
  if (task == "regression") {
    e.metrics["rmse"] = Rmse(y, p);
    e.metrics["mae"] = Mae(y, p);
    e.metrics["nasa_score"] = NasaScore(y, p);
    const size_t step = std::max<size_t>(1, y.size() / 1500);
    for (size_t i = 0; i < y.size(); i += step) e.actual_predicted.emplace_back(y[i], p[i]);
    return e;
  }
  e.metrics["auc"] = RocAuc(y, p);
  e.metrics["pr_auc"] = PrAuc(y, p);
  e.metrics["logloss"] = LogLoss(y, p);
  e.metrics["brier"] = Brier(y, p);
  const BinaryCounts at_half = CountBinary(y, p, 0.5);
  const BinaryCounts c = CountBinary(y, p, threshold);
  e.metrics["f1@0.5"] = at_half.f1();
  e.metrics["f1"] = c.f1();
  e.metrics["precision"] = c.precision();
  e.metrics["recall"] = c.recall();
  e.metrics["accuracy"] = c.accuracy();
  e.metrics["threshold"] = threshold;
  e.confusion = {{c.tn, c.fp}, {c.fn, c.tp}};
  e.calibration = Calibration(y, p, 10);
  e.roc = RocCurve(y, p, 200);
  e.pr = PrCurve(y, p, 200);
  return e;
}

}  // namespace strato::train
