#include "strato/forecast/evaluation.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <ctime>
#include <mutex>
#include <thread>

#include "strato/forecast/metrics.h"

namespace strato::forecast {
namespace {

using Clock = std::chrono::steady_clock;
using Matrix = std::vector<std::vector<double>>;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

double CpuSeconds(std::clock_t since) {
  return static_cast<double>(std::clock() - since) / CLOCKS_PER_SEC;
}

// Runs fn(i) for i in [0, n) on `threads` threads; the first error wins.
Status ParallelFor(size_t n, int threads, const std::function<Status(size_t)>& fn,
                   const std::function<void(size_t)>& done_one) {
  std::atomic<size_t> next{0};
  std::atomic<size_t> done{0};
  std::mutex mu;
  Status first;
  auto work = [&] {
    for (size_t i = next++; i < n; i = next++) {
      Status s = fn(i);
      if (!s.ok()) {
        std::lock_guard lock(mu);
        if (first.ok()) first = s;
        next = n;
        return;
      }
      const size_t d = ++done;
      if (done_one) {
        std::lock_guard lock(mu);
        done_one(d);
      }
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < std::max(threads, 1); ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  return first;
}

double MaseScale(std::span<const double> history, int m) {
  double s = 0;
  const size_t lag = static_cast<size_t>(m);
  for (size_t i = lag; i < history.size(); ++i) s += std::fabs(history[i] - history[i - lag]);
  return history.size() > lag ? s / static_cast<double>(history.size() - lag) : 0;
}

double Quantile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const double pos = q * static_cast<double>(v.size() - 1);
  const size_t lo = static_cast<size_t>(std::floor(pos));
  const size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (pos - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

// Mean sMAPE and MASE of forecasts against actuals.
struct Accuracy {
  double smape = 0, mase = 0;
  std::vector<double> series_smape, series_mase;
};

StatusOr<Accuracy> Score(const Matrix& histories, const Matrix& actuals, const Matrix& forecasts,
                         int m) {
  Accuracy a;
  for (size_t s = 0; s < actuals.size(); ++s) {
    const double smape = Smape(actuals[s], forecasts[s]);
    StatusOr<double> mase = Mase(histories[s], actuals[s], forecasts[s], m);
    if (!mase.ok()) return mase.status().WithPrefix("series " + std::to_string(s));
    a.smape += smape;
    a.mase += *mase;
    a.series_smape.push_back(smape);
    a.series_mase.push_back(*mase);
  }
  const double n = static_cast<double>(std::max<size_t>(actuals.size(), 1));
  a.smape /= n;
  a.mase /= n;
  return a;
}

struct ModelRun {
  std::string name;
  Matrix valid, test;  // forecasts
  Matrix test_sd;      // model sds on the test horizon (may be empty)
  double seconds = 0;
  double cpu_seconds = 0;
};

Matrix MedianOf(const std::vector<const Matrix*>& members) {
  Matrix out(members[0]->size());
  std::vector<double> vals(members.size());
  for (size_t s = 0; s < out.size(); ++s) {
    const size_t h = (*members[0])[s].size();
    out[s].resize(h);
    for (size_t k = 0; k < h; ++k) {
      for (size_t j = 0; j < members.size(); ++j) vals[j] = (*members[j])[s][k];
      std::sort(vals.begin(), vals.end());
      const size_t mid = vals.size() / 2;
      out[s][k] = vals.size() % 2 ? vals[mid] : 0.5 * (vals[mid - 1] + vals[mid]);
    }
  }
  return out;
}

}  // namespace

StatusOr<M4Frequency> M4FrequencyByName(std::string_view name) {
  std::string lower(name);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "hourly")
    return M4Frequency{"Hourly", 48, 24, 18.383, 2.395, 18.138, 2.455, 9.328, 0.893, 400};
  if (lower == "weekly")
    return M4Frequency{"Weekly", 13, 1, 9.161, 2.777, 9.093, 2.637, 7.817, 2.356, 1000};
  return NotFoundError("unknown M4 frequency '" + std::string(name) + "' (hourly, weekly)");
}

StatusOr<EvaluationResult> EvaluateM4(const std::vector<Series>& train,
                                      const std::vector<Series>& test, const M4Frequency& freq,
                                      const EvaluationOptions& options) {
  if (train.size() != test.size()) {
    return InvalidArgumentError("train has " + std::to_string(train.size()) +
                                " series but test has " + std::to_string(test.size()));
  }
  const size_t n =
      options.max_series > 0 ? std::min(options.max_series, train.size()) : train.size();
  if (n == 0) return InvalidArgumentError("no series to evaluate");
  const int h = freq.horizon, m = freq.season;
  const size_t hh = static_cast<size_t>(h);
  Matrix full(n), cut(n), valid_actual(n), test_actual(n);
  for (size_t s = 0; s < n; ++s) {
    if (train[s].id != test[s].id) {
      return InvalidArgumentError("series " + std::to_string(s) + ": train id " + train[s].id +
                                  " != test id " + test[s].id);
    }
    if (test[s].values.size() != hh) {
      return InvalidArgumentError("series " + test[s].id + " has " +
                                  std::to_string(test[s].values.size()) + " test values, not " +
                                  std::to_string(h));
    }
    if (train[s].values.size() < 2 * hh + static_cast<size_t>(m) + 1) {
      return InvalidArgumentError("series " + train[s].id +
                                  " is too short to carve a validation window");
    }
    full[s] = train[s].values;
    cut[s].assign(full[s].begin(), full[s].end() - h);
    valid_actual[s].assign(full[s].end() - h, full[s].end());
    test_actual[s] = test[s].values;
  }

  std::vector<ModelRun> runs;
  for (LocalModel model : options.models) {
    ModelRun run;
    run.name = std::string(LocalModelName(model));
    run.valid.resize(n);
    run.test.resize(n);
    run.test_sd.resize(n);
    const auto start = Clock::now();
    const std::clock_t cpu_start = std::clock();
    Status st = ParallelFor(
        n, options.threads,
        [&](size_t s) -> Status {
          StatusOr<LocalForecast> v = ForecastLocal(model, cut[s], m, h);
          if (!v.ok()) return v.status().WithPrefix(run.name + " on " + train[s].id);
          StatusOr<LocalForecast> t = ForecastLocal(model, full[s], m, h);
          if (!t.ok()) return t.status().WithPrefix(run.name + " on " + train[s].id);
          run.valid[s] = std::move(v->mean);
          run.test[s] = std::move(t->mean);
          run.test_sd[s] = std::move(t->sd);
          return Status::Ok();
        },
        [&](size_t done) {
          if (options.progress) options.progress(run.name, done, n);
        });
    RETURN_IF_ERROR(st);
    run.seconds = Seconds(start);
    run.cpu_seconds = CpuSeconds(cpu_start);
    if (run.test_sd[0].empty()) run.test_sd.clear();
    runs.push_back(std::move(run));
  }
  if (options.global_model) {
    ModelRun run;
    run.name = "xgb";
    const auto start = Clock::now();
    const std::clock_t cpu_start = std::clock();
    GlobalModelOptions go = options.global;
    go.season = m;
    go.threads = options.threads;
    // Fit with the validation window held out (early stopping, validation
    // forecasts), then, when asked, refit on everything with the rounds
    // found so that the test forecasts use the most recent data too.
    const int stages = options.refit_global ? 4 : 3;
    if (options.progress) options.progress("xgb", 0, stages);
    ASSIGN_OR_RETURN(GlobalBoostedModel model, GlobalBoostedModel::Fit(full, go, h));
    if (options.progress) options.progress("xgb", 1, stages);
    ASSIGN_OR_RETURN(run.valid, model.Forecast(cut, h));
    if (options.progress) options.progress("xgb", 2, stages);
    if (options.refit_global) {
      GlobalModelOptions again = go;
      again.rounds = model.rounds();
      ASSIGN_OR_RETURN(model, GlobalBoostedModel::Fit(full, again, 0));
      if (options.progress) options.progress("xgb", 3, stages);
    }
    ASSIGN_OR_RETURN(run.test, model.Forecast(full, h));
    if (options.progress) options.progress("xgb", stages, stages);
    run.seconds = Seconds(start);
    run.cpu_seconds = CpuSeconds(cpu_start);
    runs.push_back(std::move(run));
  }

  // Validation and test accuracy of every model; Naive2 is the OWA reference.
  auto naive2 =
      std::find_if(runs.begin(), runs.end(), [](const ModelRun& r) { return r.name == "naive2"; });
  if (naive2 == runs.end())
    return InvalidArgumentError("the evaluation needs naive2 (OWA's reference)");
  ASSIGN_OR_RETURN(Accuracy naive2_valid, Score(cut, valid_actual, naive2->valid, m));
  ASSIGN_OR_RETURN(Accuracy naive2_test, Score(full, test_actual, naive2->test, m));

  // Conformal interval for one model: per-step quantiles of scaled validation errors.
  auto conformal = [&](const Matrix& valid, const Matrix& test_fc, Matrix* lo, Matrix* hi) {
    lo->assign(n, std::vector<double>(hh));
    hi->assign(n, std::vector<double>(hh));
    std::vector<double> errs(n);
    for (size_t k = 0; k < hh; ++k) {
      for (size_t s = 0; s < n; ++s) {
        const double scale = std::max(MaseScale(cut[s], m), 1e-12);
        errs[s] = (valid_actual[s][k] - valid[s][k]) / scale;
      }
      const double q05 = Quantile(errs, 0.05), q95 = Quantile(errs, 0.95);
      for (size_t s = 0; s < n; ++s) {
        const double scale = MaseScale(full[s], m);
        (*lo)[s][k] = test_fc[s][k] + q05 * scale;
        (*hi)[s][k] = test_fc[s][k] + q95 * scale;
      }
    }
  };
  auto coverage = [&](const Matrix& lo, const Matrix& hi) {
    double c = 0;
    for (size_t s = 0; s < n; ++s) c += Coverage(test_actual[s], lo[s], hi[s]);
    return c / static_cast<double>(n);
  };

  EvaluationResult result;
  result.series = n;
  for (size_t i = 0; i < n; ++i) result.ids.push_back(train[i].id);
  std::vector<std::pair<double, size_t>> ranking;
  for (size_t i = 0; i < runs.size(); ++i) {
    const ModelRun& r = runs[i];
    ModelScore score;
    score.model = r.name;
    score.seconds = r.seconds;
    score.cpu_seconds = r.cpu_seconds;
    ASSIGN_OR_RETURN(Accuracy v, Score(cut, valid_actual, r.valid, m));
    ASSIGN_OR_RETURN(Accuracy t, Score(full, test_actual, r.test, m));
    score.valid_smape = v.smape;
    score.valid_owa = Owa(v.smape, v.mase, naive2_valid.smape, naive2_valid.mase);
    score.smape = t.smape;
    score.mase = t.mase;
    score.series_smape = std::move(t.series_smape);
    score.series_mase = std::move(t.series_mase);
    score.owa = Owa(t.smape, t.mase, naive2_test.smape, naive2_test.mase);
    Matrix lo, hi;
    conformal(r.valid, r.test, &lo, &hi);
    score.conformal_coverage = coverage(lo, hi);
    if (!r.test_sd.empty()) {
      for (size_t s = 0; s < n; ++s) {
        for (size_t k = 0; k < hh; ++k) {
          lo[s][k] = r.test[s][k] - 1.645 * r.test_sd[s][k];
          hi[s][k] = r.test[s][k] + 1.645 * r.test_sd[s][k];
        }
      }
      score.model_coverage = coverage(lo, hi);
    }
    result.scores.push_back(score);
    ranking.push_back({score.valid_owa, i});
  }

  // Combination: median of the k best by validation OWA, k chosen on validation.
  std::sort(ranking.begin(), ranking.end());
  double best_owa = HUGE_VAL;
  size_t best_k = 1;
  for (size_t k = 1; k <= ranking.size(); ++k) {
    std::vector<const Matrix*> members;
    for (size_t j = 0; j < k; ++j) members.push_back(&runs[ranking[j].second].valid);
    ASSIGN_OR_RETURN(Accuracy v, Score(cut, valid_actual, MedianOf(members), m));
    const double owa = Owa(v.smape, v.mase, naive2_valid.smape, naive2_valid.mase);
    if (owa < best_owa - 1e-9) {
      best_owa = owa;
      best_k = k;
    }
  }
  std::vector<const Matrix*> valid_members, test_members;
  double seconds = 0, cpu_seconds = 0;
  for (size_t j = 0; j < best_k; ++j) {
    const ModelRun& r = runs[ranking[j].second];
    valid_members.push_back(&r.valid);
    test_members.push_back(&r.test);
    result.members.push_back(r.name);
    seconds += r.seconds;
    cpu_seconds += r.cpu_seconds;
  }
  const Matrix comb_valid = MedianOf(valid_members);
  result.combination = MedianOf(test_members);
  ModelScore score;
  score.model = "combination";
  score.seconds = seconds;
  score.cpu_seconds = cpu_seconds;
  ASSIGN_OR_RETURN(Accuracy v, Score(cut, valid_actual, comb_valid, m));
  ASSIGN_OR_RETURN(Accuracy t, Score(full, test_actual, result.combination, m));
  score.valid_smape = v.smape;
  score.valid_owa = best_owa;
  score.smape = t.smape;
  score.mase = t.mase;
  score.series_smape = std::move(t.series_smape);
  score.series_mase = std::move(t.series_mase);
  score.owa = Owa(t.smape, t.mase, naive2_test.smape, naive2_test.mase);
  conformal(comb_valid, result.combination, &result.lower, &result.upper);
  score.conformal_coverage = coverage(result.lower, result.upper);
  result.scores.push_back(score);
  return result;
}

}  // namespace strato::forecast
