#include "strato/train/metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace strato::train {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Indices of `p` sorted by descending score.
std::vector<size_t> ByScoreDesc(const std::vector<double>& p) {
  std::vector<size_t> idx(p.size());
  std::iota(idx.begin(), idx.end(), 0);
  std::stable_sort(idx.begin(), idx.end(), [&](size_t a, size_t b) { return p[a] > p[b]; });
  return idx;
}

double SafeDiv(double a, double b) { return b > 0 ? a / b : 0.0; }

// Keeps at most max_points evenly spaced points (always the last).
std::vector<std::pair<double, double>> Thin(std::vector<std::pair<double, double>> pts,
                                            size_t max_points) {
  if (pts.size() <= max_points || max_points < 2) return pts;
  std::vector<std::pair<double, double>> out;
  const double step = static_cast<double>(pts.size() - 1) / static_cast<double>(max_points - 1);
  for (size_t i = 0; i < max_points; ++i) {
    out.push_back(pts[static_cast<size_t>(std::llround(step * static_cast<double>(i)))]);
  }
  return out;
}

}  // namespace

double Rmse(const std::vector<double>& y, const std::vector<double>& p) {
  if (y.empty()) return kNaN;
  double s = 0;
  for (size_t i = 0; i < y.size(); ++i) s += (p[i] - y[i]) * (p[i] - y[i]);
  return std::sqrt(s / static_cast<double>(y.size()));
}

double Mae(const std::vector<double>& y, const std::vector<double>& p) {
  if (y.empty()) return kNaN;
  double s = 0;
  for (size_t i = 0; i < y.size(); ++i) s += std::fabs(p[i] - y[i]);
  return s / static_cast<double>(y.size());
}

double NasaScore(const std::vector<double>& y, const std::vector<double>& p) {
  double s = 0;
  for (size_t i = 0; i < y.size(); ++i) {
    const double d = p[i] - y[i];
    s += d < 0 ? std::exp(-d / 13.0) - 1.0 : std::exp(d / 10.0) - 1.0;
  }
  return s;
}

double RocAuc(const std::vector<double>& y, const std::vector<double>& p) {
  // Mann-Whitney U with average ranks for ties.
  std::vector<size_t> idx(p.size());
  std::iota(idx.begin(), idx.end(), 0);
  std::sort(idx.begin(), idx.end(), [&](size_t a, size_t b) { return p[a] < p[b]; });
  double rank_sum = 0;
  double pos = 0, neg = 0;
  for (size_t i = 0; i < idx.size();) {
    size_t j = i;
    while (j < idx.size() && p[idx[j]] == p[idx[i]]) ++j;
    const double avg_rank = (static_cast<double>(i + j - 1)) / 2.0 + 1.0;
    for (size_t k = i; k < j; ++k) {
      if (y[idx[k]] > 0.5) rank_sum += avg_rank;
    }
    i = j;
  }
  for (double v : y) (v > 0.5 ? pos : neg) += 1;
  if (pos == 0 || neg == 0) return kNaN;
  return (rank_sum - pos * (pos + 1) / 2.0) / (pos * neg);
}

double PrAuc(const std::vector<double>& y, const std::vector<double>& p) {
  const auto idx = ByScoreDesc(p);
  double pos = 0;
  for (double v : y) pos += v > 0.5 ? 1 : 0;
  if (pos == 0) return kNaN;
  double tp = 0, fp = 0, ap = 0, last_recall = 0;
  for (size_t i = 0; i < idx.size(); ++i) {
    (y[idx[i]] > 0.5 ? tp : fp) += 1;
    // Step at the end of each run of tied scores.
    if (i + 1 == idx.size() || p[idx[i + 1]] != p[idx[i]]) {
      const double recall = tp / pos;
      ap += (recall - last_recall) * (tp / (tp + fp));
      last_recall = recall;
    }
  }
  return ap;
}

double BinaryCounts::precision() const { return SafeDiv(tp, tp + fp); }
double BinaryCounts::recall() const { return SafeDiv(tp, tp + fn); }
double BinaryCounts::f1() const { return SafeDiv(2.0 * tp, 2.0 * tp + fp + fn); }
double BinaryCounts::accuracy() const { return SafeDiv(tp + tn, tp + tn + fp + fn); }

BinaryCounts CountBinary(const std::vector<double>& y, const std::vector<double>& p,
                         double threshold) {
  BinaryCounts c;
  for (size_t i = 0; i < y.size(); ++i) {
    const bool truth = y[i] > 0.5, pred = p[i] >= threshold;
    if (truth && pred) ++c.tp;
    else if (!truth && pred) ++c.fp;
    else if (truth) ++c.fn;
    else ++c.tn;
  }
  return c;
}

double BestF1Threshold(const std::vector<double>& y, const std::vector<double>& p) {
  const auto idx = ByScoreDesc(p);
  double pos = 0;
  for (double v : y) pos += v > 0.5 ? 1 : 0;
  double tp = 0, fp = 0, best_f1 = -1, best = 0.5;
  for (size_t i = 0; i < idx.size(); ++i) {
    (y[idx[i]] > 0.5 ? tp : fp) += 1;
    if (i + 1 < idx.size() && p[idx[i + 1]] == p[idx[i]]) continue;
    const double f1 = SafeDiv(2 * tp, tp + fp + pos);
    if (f1 > best_f1) {
      best_f1 = f1;
      best = p[idx[i]];
    }
  }
  return best;
}

std::vector<CalibrationBin> Calibration(const std::vector<double>& y, const std::vector<double>& p,
                                        int bins) {
  std::vector<CalibrationBin> out(static_cast<size_t>(bins));
  for (size_t i = 0; i < y.size(); ++i) {
    auto b = static_cast<size_t>(std::clamp(p[i], 0.0, 1.0) * bins);
    b = std::min(b, out.size() - 1);
    out[b].mean_predicted += p[i];
    out[b].observed += y[i] > 0.5 ? 1 : 0;
    ++out[b].count;
  }
  for (auto& b : out) {
    if (b.count == 0) continue;
    b.mean_predicted /= static_cast<double>(b.count);
    b.observed /= static_cast<double>(b.count);
  }
  return out;
}

double Brier(const std::vector<double>& y, const std::vector<double>& p) {
  double s = 0;
  for (size_t i = 0; i < y.size(); ++i) s += (p[i] - y[i]) * (p[i] - y[i]);
  return y.empty() ? kNaN : s / static_cast<double>(y.size());
}

double LogLoss(const std::vector<double>& y, const std::vector<double>& p) {
  double s = 0;
  for (size_t i = 0; i < y.size(); ++i) {
    const double q = std::clamp(p[i], 1e-15, 1 - 1e-15);
    s -= y[i] > 0.5 ? std::log(q) : std::log(1 - q);
  }
  return y.empty() ? kNaN : s / static_cast<double>(y.size());
}

MulticlassReport EvaluateMulticlass(const std::vector<double>& y, const std::vector<float>& prob,
                                    int num_class) {
  MulticlassReport r;
  const auto k = static_cast<size_t>(num_class);
  r.confusion.assign(k, std::vector<long>(k, 0));
  long correct = 0;
  for (size_t i = 0; i < y.size(); ++i) {
    const float* row = prob.data() + i * k;
    const auto pred = static_cast<size_t>(std::max_element(row, row + k) - row);
    const auto truth = static_cast<size_t>(y[i]);
    if (truth < k) {
      ++r.confusion[truth][pred];
      correct += truth == pred;
      r.logloss -= std::log(std::clamp(static_cast<double>(row[truth]), 1e-15, 1.0));
    }
  }
  const double n = static_cast<double>(y.size());
  r.accuracy = SafeDiv(static_cast<double>(correct), n);
  r.logloss = SafeDiv(r.logloss, n);
  double f1_sum = 0;
  int present = 0;
  for (size_t c = 0; c < k; ++c) {
    long tp = r.confusion[c][c], fp = 0, fn = 0;
    for (size_t o = 0; o < k; ++o) {
      if (o == c) continue;
      fp += r.confusion[o][c];
      fn += r.confusion[c][o];
    }
    if (tp + fn == 0) continue;  // class absent from the truth: not averaged
    f1_sum += SafeDiv(2.0 * tp, 2.0 * tp + fp + fn);
    ++present;
  }
  r.macro_f1 = present > 0 ? f1_sum / present : 0;
  return r;
}

std::vector<std::pair<double, double>> RocCurve(const std::vector<double>& y,
                                                const std::vector<double>& p, size_t max_points) {
  const auto idx = ByScoreDesc(p);
  double pos = 0, neg = 0;
  for (double v : y) (v > 0.5 ? pos : neg) += 1;
  std::vector<std::pair<double, double>> pts{{0, 0}};
  double tp = 0, fp = 0;
  for (size_t i = 0; i < idx.size(); ++i) {
    (y[idx[i]] > 0.5 ? tp : fp) += 1;
    if (i + 1 == idx.size() || p[idx[i + 1]] != p[idx[i]]) {
      pts.emplace_back(SafeDiv(fp, neg), SafeDiv(tp, pos));
    }
  }
  return Thin(std::move(pts), max_points);
}

std::vector<std::pair<double, double>> PrCurve(const std::vector<double>& y,
                                               const std::vector<double>& p, size_t max_points) {
  const auto idx = ByScoreDesc(p);
  double pos = 0;
  for (double v : y) pos += v > 0.5 ? 1 : 0;
  std::vector<std::pair<double, double>> pts;
  double tp = 0, fp = 0;
  for (size_t i = 0; i < idx.size(); ++i) {
    (y[idx[i]] > 0.5 ? tp : fp) += 1;
    if (i + 1 == idx.size() || p[idx[i + 1]] != p[idx[i]]) {
      pts.emplace_back(SafeDiv(tp, pos), tp / (tp + fp));
    }
  }
  return Thin(std::move(pts), max_points);
}

bool HigherIsBetter(const std::string& metric) {
  return metric == "auc" || metric == "pr_auc" || metric == "f1" || metric == "accuracy" ||
         metric == "macro_f1";
}

}  // namespace strato::train
