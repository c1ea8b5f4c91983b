#include "strato/backend/xgboost_model_maker.h"

#include <xgboost/c_api.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <system_error>
#include <vector>

#include "xgboost_booster.h"

namespace strato {
namespace {

// Frees the C API handles on every return path.
struct DMatrixGuard {
  DMatrixHandle handle = nullptr;
  ~DMatrixGuard() {
    if (handle) XGDMatrixFree(handle);
  }
};
struct BoosterGuard {
  BoosterHandle handle = nullptr;
  ~BoosterGuard() {
    if (handle) XGBoosterFree(handle);
  }
};

Status XgbCall(int rc, const char* what) {
  if (rc == 0) return Status::Ok();
  return InternalError(std::string(what) + ": " + XgbLastError());
}

std::vector<float> MakeLabels(const std::vector<float>& x, const SyntheticModelOptions& o) {
  const size_t f = static_cast<size_t>(o.n_features);
  // A separate stream for noise keeps the features identical to what
  // SyntheticFeatures() returns for the same seed.
  std::mt19937 noise_gen(o.seed ^ 0x9e3779b9u);
  std::normal_distribution<float> noise(0.0f, 1.0f);
  std::vector<float> score(static_cast<size_t>(o.n_rows));
  for (size_t r = 0; r < score.size(); ++r) {
    const float* v = x.data() + r * f;
    score[r] = v[0] + 0.5f * v[1] * v[2] - 0.8f * v[3] + 0.3f * std::sin(3.0f * v[4]) +
               0.25f * noise(noise_gen);
  }
  if (o.objective == "reg:squarederror") return score;
  std::vector<float> labels(score.size());
  if (o.objective == "binary:logistic") {
    for (size_t r = 0; r < score.size(); ++r) labels[r] = score[r] > 0.0f ? 1.0f : 0.0f;
    return labels;
  }
  std::vector<float> sorted = score;
  std::sort(sorted.begin(), sorted.end());
  std::vector<float> cuts;
  for (int k = 1; k < o.num_class; ++k) cuts.push_back(sorted[sorted.size() * k / o.num_class]);
  for (size_t r = 0; r < score.size(); ++r) {
    labels[r] = static_cast<float>(std::upper_bound(cuts.begin(), cuts.end(), score[r]) -
                                   cuts.begin());
  }
  return labels;
}

Status CheckOptions(const SyntheticModelOptions& o) {
  if (o.n_features < 5) return InvalidArgumentError("n_features must be >= 5");
  if (o.n_trees <= 0 || o.n_rows <= 0 || o.max_depth <= 0 || o.n_threads < 0) {
    return InvalidArgumentError("n_trees, n_rows and max_depth must be > 0, n_threads >= 0");
  }
  if (o.objective != "binary:logistic" && o.objective != "reg:squarederror" &&
      o.objective != "multi:softprob") {
    return InvalidArgumentError("unsupported objective '" + o.objective + "'");
  }
  if (o.objective == "multi:softprob" && o.num_class < 2) {
    return InvalidArgumentError("num_class must be >= 2");
  }
  return Status::Ok();
}

}  // namespace

void SyntheticFeatures(int rows, int n_features, uint32_t seed, float* out) {
  std::mt19937 gen(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  const size_t n = static_cast<size_t>(rows) * static_cast<size_t>(n_features);
  for (size_t i = 0; i < n; ++i) out[i] = normal(gen);
}

Status TrainSyntheticXgboostModel(const SyntheticModelOptions& o,
                                  const std::filesystem::path& out_file) {
  RETURN_IF_ERROR(CheckOptions(o));
  std::vector<float> x(static_cast<size_t>(o.n_rows) * static_cast<size_t>(o.n_features));
  SyntheticFeatures(o.n_rows, o.n_features, o.seed, x.data());
  const std::vector<float> labels = MakeLabels(x, o);

  DMatrixGuard train;
  RETURN_IF_ERROR(XgbCall(XGDMatrixCreateFromMat(x.data(), o.n_rows, o.n_features, NAN,
                                                 &train.handle),
                          "XGDMatrixCreateFromMat"));
  RETURN_IF_ERROR(XgbCall(XGDMatrixSetFloatInfo(train.handle, "label", labels.data(),
                                                labels.size()),
                          "XGDMatrixSetFloatInfo"));
  BoosterGuard booster;
  RETURN_IF_ERROR(XgbCall(XGBoosterCreate(&train.handle, 1, &booster.handle), "XGBoosterCreate"));
  // hist is the fastest exact-enough method on CPU and, with a fixed seed
  // and no sampling, deterministic for any thread count.
  const std::vector<std::pair<std::string, std::string>> params = {
      {"objective", o.objective},
      {"max_depth", std::to_string(o.max_depth)},
      {"eta", "0.1"},
      {"tree_method", "hist"},
      {"nthread", std::to_string(o.n_threads)},
      {"seed", std::to_string(o.seed)},
      {"verbosity", "1"},
  };
  for (const auto& [key, value] : params) {
    RETURN_IF_ERROR(XgbCall(XGBoosterSetParam(booster.handle, key.c_str(), value.c_str()),
                            "XGBoosterSetParam"));
  }
  if (o.objective == "multi:softprob") {
    RETURN_IF_ERROR(XgbCall(XGBoosterSetParam(booster.handle, "num_class",
                                              std::to_string(o.num_class).c_str()),
                            "XGBoosterSetParam(num_class)"));
  }
  for (int iter = 0; iter < o.n_trees; ++iter) {
    RETURN_IF_ERROR(XgbCall(XGBoosterUpdateOneIter(booster.handle, iter, train.handle),
                            "XGBoosterUpdateOneIter"));
  }
  std::error_code ec;
  if (out_file.has_parent_path()) std::filesystem::create_directories(out_file.parent_path(), ec);
  if (ec) return InternalError("cannot create " + out_file.parent_path().string() + ": " + ec.message());
  // XGBoost 1.7 picks the format from the extension (.json, .ubj, else
  // the legacy binary format).
  return XgbCall(XGBoosterSaveModel(booster.handle, out_file.c_str()),
                 ("saving " + out_file.string()).c_str());
}

}  // namespace strato
