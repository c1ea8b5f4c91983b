#include "strato/train/xgb_trainer.h"

#include <xgboost/c_api.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>

namespace strato::train {
namespace {

std::string LastError() {
  std::string e = XGBGetLastError();
  const size_t nl = e.find('\n');
  return nl == std::string::npos ? e : e.substr(0, nl);
}

// Owns a DMatrixHandle.
class DMatrix {
 public:
  ~DMatrix() {
    if (handle_ != nullptr) XGDMatrixFree(handle_);
  }
  static StatusOr<std::unique_ptr<DMatrix>> Create(const float* x, size_t rows, size_t cols,
                                                   const std::vector<float>* y, int threads) {
    DMatrixHandle h = nullptr;
    if (XGDMatrixCreateFromMat_omp(x, rows, cols, std::numeric_limits<float>::quiet_NaN(), &h,
                                   threads) != 0) {
      return InternalError("XGBoost: cannot build a matrix: " + LastError());
    }
    auto m = std::unique_ptr<DMatrix>(new DMatrix(h));
    if (y != nullptr && !y->empty() &&
        XGDMatrixSetFloatInfo(h, "label", y->data(), y->size()) != 0) {
      return InternalError("XGBoost: cannot set labels: " + LastError());
    }
    return m;
  }
  DMatrixHandle get() const { return handle_; }

 private:
  explicit DMatrix(DMatrixHandle h) : handle_(h) {}
  DMatrixHandle handle_;
};

// "[3]\tvalid-rmse:12.5" -> 12.5
double ParseEval(const char* text) {
  const char* colon = std::strrchr(text, ':');
  return colon == nullptr ? std::numeric_limits<double>::quiet_NaN() : std::strtod(colon + 1, nullptr);
}

bool LowerIsBetter(const std::string& metric) {
  return metric != "auc" && metric != "aucpr" && metric != "map" && metric != "ndcg";
}

}  // namespace

std::string ObjectiveFor(const std::string& task) {
  if (task == "binary") return "binary:logistic";
  if (task == "multiclass") return "multi:softprob";
  return "reg:squarederror";
}

std::string EvalMetricFor(const std::string& task) {
  if (task == "binary") return "logloss";
  if (task == "multiclass") return "mlogloss";
  return "rmse";
}

TrainedBooster::~TrainedBooster() {
  if (handle_ != nullptr) XGBoosterFree(handle_);
}

StatusOr<std::vector<float>> TrainedBooster::Predict(const float* x, size_t rows,
                                                     size_t cols) const {
  ASSIGN_OR_RETURN(auto m, DMatrix::Create(x, rows, cols, nullptr, 1));
  bst_ulong len = 0;
  const float* out = nullptr;
  if (XGBoosterPredict(handle_, m->get(), 0, 0, 0, &len, &out) != 0) {
    return InternalError("XGBoost predict: " + LastError());
  }
  return std::vector<float>(out, out + len);
}

StatusOr<std::string> TrainedBooster::SaveJson() const {
  bst_ulong len = 0;
  const char* buf = nullptr;
  if (XGBoosterSaveModelToBuffer(handle_, R"({"format": "json"})", &len, &buf) != 0) {
    return InternalError("XGBoost save: " + LastError());
  }
  return std::string(buf, len);
}

StatusOr<std::vector<double>> TrainedBooster::FeatureGain(size_t num_features) const {
  bst_ulong n = 0, dim = 0;
  const char** names = nullptr;
  const bst_ulong* shape = nullptr;
  const float* scores = nullptr;
  std::vector<double> gain(num_features, 0.0);
  if (XGBoosterFeatureScore(handle_, R"({"importance_type": "total_gain"})", &n, &names, &dim,
                            &shape, &scores) != 0) {
    return InternalError("XGBoost feature score: " + LastError());
  }
  // Scores are per feature when dim == 1; multiclass gives one per class
  // (dim == 2, [features, classes]): sum them.
  const size_t per = dim == 2 ? static_cast<size_t>(shape[1]) : 1;
  for (bst_ulong i = 0; i < n; ++i) {
    const char* name = names[i];
    if (name[0] != 'f') continue;
    const size_t index = std::strtoul(name + 1, nullptr, 10);
    if (index >= num_features) continue;
    for (size_t k = 0; k < per; ++k) gain[index] += scores[i * per + k];
  }
  return gain;
}

StatusOr<std::unique_ptr<TrainedBooster>> TrainedBooster::FromJson(const std::string& json,
                                                                   int threads) {
  BoosterHandle h = nullptr;
  if (XGBoosterCreate(nullptr, 0, &h) != 0) return InternalError("XGBoost: " + LastError());
  auto b = std::unique_ptr<TrainedBooster>(new TrainedBooster(h));
  if (XGBoosterLoadModelFromBuffer(h, json.data(), json.size()) != 0) {
    return InvalidArgumentError("cannot load XGBoost model: " + LastError());
  }
  XGBoosterSetParam(h, "nthread", std::to_string(threads).c_str());
  return b;
}

StatusOr<TrainOutcome> TrainXgboost(const Matrix& train, const Matrix& valid,
                                    const TrainSettings& s,
                                    const std::function<void(int, int, double)>& progress) {
  const auto start = std::chrono::steady_clock::now();
  if (train.rows == 0) return InvalidArgumentError("no training rows");
  ASSIGN_OR_RETURN(auto dtrain, DMatrix::Create(train.x.data(), train.rows, train.cols, &train.y,
                                                s.threads));
  std::unique_ptr<DMatrix> dvalid;
  if (valid.rows > 0) {
    ASSIGN_OR_RETURN(dvalid, DMatrix::Create(valid.x.data(), valid.rows, valid.cols, &valid.y,
                                             s.threads));
  }
  std::vector<DMatrixHandle> cache{dtrain->get()};
  if (dvalid) cache.push_back(dvalid->get());
  BoosterHandle h = nullptr;
  if (XGBoosterCreate(cache.data(), cache.size(), &h) != 0) {
    return InternalError("XGBoost: " + LastError());
  }
  std::unique_ptr<TrainedBooster> booster(new TrainedBooster(h));
  std::map<std::string, std::string> params = {
      {"objective", ObjectiveFor(s.task)}, {"eval_metric", EvalMetricFor(s.task)},
      {"tree_method", "hist"},             {"seed", std::to_string(s.seed)},
      {"nthread", std::to_string(s.threads)}, {"verbosity", "0"}};
  if (s.task == "multiclass") params["num_class"] = std::to_string(s.num_class);
  for (const auto& [k, v] : s.params) params[k] = v;
  for (const auto& [k, v] : params) {
    if (XGBoosterSetParam(h, k.c_str(), v.c_str()) != 0) {
      return InvalidArgumentError("XGBoost parameter " + k + "=" + v + ": " + LastError());
    }
  }
  TrainOutcome out;
  out.eval_metric = params["eval_metric"];
  const bool lower = LowerIsBetter(out.eval_metric);
  double best = lower ? std::numeric_limits<double>::infinity()
                      : -std::numeric_limits<double>::infinity();
  for (int iter = 0; iter < s.rounds; ++iter) {
    if (XGBoosterUpdateOneIter(h, iter, dtrain->get()) != 0) {
      // The first update is where XGBoost checks parameters and labels.
      return InvalidArgumentError("XGBoost training: " + LastError());
    }
    out.rounds_run = iter + 1;
    if (!dvalid) {
      out.best_iteration = iter;
      if (progress) progress(iter + 1, s.rounds, 0);
      continue;
    }
    DMatrixHandle evals[] = {dvalid->get()};
    const char* names[] = {"valid"};
    const char* text = nullptr;
    if (XGBoosterEvalOneIter(h, iter, evals, names, 1, &text) != 0) {
      return InternalError("XGBoost eval: " + LastError());
    }
    const double score = ParseEval(text);
    out.valid_curve.push_back(score);
    if (lower ? score < best : score > best) {
      best = score;
      out.best_iteration = iter;
    }
    if (progress) progress(iter + 1, s.rounds, score);
    if (s.early_stopping > 0 && iter - out.best_iteration >= s.early_stopping) break;
  }
  out.best_score = dvalid ? best : 0;
  if (out.best_iteration + 1 < out.rounds_run) {
    BoosterHandle sliced = nullptr;
    if (XGBoosterSlice(h, 0, out.best_iteration + 1, 1, &sliced) != 0) {
      return InternalError("XGBoost slice: " + LastError());
    }
    booster.reset(new TrainedBooster(sliced));
  }
  XGBoosterSetParam(booster->handle_, "nthread", std::to_string(s.threads).c_str());
  out.booster = std::move(booster);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace strato::train
