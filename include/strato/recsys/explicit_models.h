// Rating-prediction models (explicit feedback).
//
//   GlobalMeanModel   r = mu
//   BiasModel         r = mu + b_u + b_i, biases by alternating regularised
//                     averages (Koren 2010, section 2.1)
//   BiasedMfModel     r = mu + b_u + b_i + q_i . p_u, SGD ("Funk SVD")
//   SvdPlusPlusModel  r = mu + b_u + b_i + q_i . (p_u + |N(u)|^-1/2 sum_j y_j),
//                     SGD (Koren 2008); N(u) = the items u rated
//   BlendModel        linear blend of other models with weights fitted by
//                     ridge regression on a validation split carved from
//                     the training set, then every member refitted on all of it
// Predictions are clipped to [min_rating, max_rating].
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "strato/recsys/model.h"

namespace strato::recsys {

struct RatingRange {
  float min = 1, max = 5;
  float Clip(float r) const { return r < min ? min : (r > max ? max : r); }
};

class GlobalMeanModel final : public Model {
 public:
  std::string name() const override { return "global-mean"; }
  Status Fit(const RatingSet& train) override;
  float Predict(int32_t, int32_t) const override { return mu_; }

 private:
  float mu_ = 0;
};

struct BiasOptions {
  int epochs = 10;
  float reg_user = 15;
  float reg_item = 10;
  RatingRange range;
};

class BiasModel final : public Model {
 public:
  explicit BiasModel(BiasOptions options = {}) : options_(options) {}
  std::string name() const override { return "biases"; }
  Status Fit(const RatingSet& train) override;
  float Predict(int32_t user, int32_t item) const override;

  float mu() const { return mu_; }
  const std::vector<float>& user_bias() const { return bu_; }
  const std::vector<float>& item_bias() const { return bi_; }

 private:
  BiasOptions options_;
  float mu_ = 0;
  std::vector<float> bu_, bi_;
};

struct MfOptions {
  int factors = 100;
  int epochs = 20;
  float learning_rate = 0.005f;
  float reg = 0.02f;       // on factors
  float reg_bias = 0.02f;  // on biases
  float init_std = 0.1f;
  // Learning rate multiplied by this after each epoch.
  float lr_decay = 1.0f;
  uint64_t seed = 1;
  RatingRange range;
};

class BiasedMfModel final : public Model {
 public:
  explicit BiasedMfModel(MfOptions options = {}) : options_(options) {}
  std::string name() const override { return "biased-mf"; }
  Status Fit(const RatingSet& train) override;
  float Predict(int32_t user, int32_t item) const override;

 private:
  MfOptions options_;
  float mu_ = 0;
  std::vector<float> bu_, bi_, p_, q_;  // p_: n_users x f, q_: n_items x f
};

class SvdPlusPlusModel final : public Model {
 public:
  explicit SvdPlusPlusModel(MfOptions options = {}) : options_(options) {}
  std::string name() const override { return "svd++"; }
  Status Fit(const RatingSet& train) override;
  float Predict(int32_t user, int32_t item) const override;

 private:
  MfOptions options_;
  float mu_ = 0;
  std::vector<float> bu_, bi_, p_, q_, y_;
  // p_u + |N(u)|^-1/2 sum_j y_j, cached per user after training.
  std::vector<float> user_vec_;
};

// Item-item neighbourhood model on baseline residuals (Koren 2010, 2.2):
// r = b_ui + sum_{j in N^k(i;u)} s_ij (r_uj - b_uj) / sum s_ij, with s the
// shrunk Pearson correlation of the baseline residuals.
struct KnnBaselineOptions {
  int neighbours = 40;
  float shrinkage = 100;
  BiasOptions bias;
};

class KnnBaselineModel final : public Model {
 public:
  explicit KnnBaselineModel(KnnBaselineOptions options = {}) : options_(options) {}
  std::string name() const override { return "knn-baseline"; }
  Status Fit(const RatingSet& train) override;
  float Predict(int32_t user, int32_t item) const override;

 private:
  KnnBaselineOptions options_;
  BiasModel bias_;
  int32_t n_items_ = 0;
  std::vector<float> sim_;  // n_items x n_items
  SparseRows by_user_;
};

using ModelFactory = std::function<std::unique_ptr<Model>()>;

struct BlendOptions {
  double validation_fraction = 0.1;
  double ridge = 1e-3;
  uint64_t seed = 7;
  RatingRange range;
};

class BlendModel final : public Model {
 public:
  BlendModel(std::vector<ModelFactory> members, BlendOptions options = {})
      : factories_(std::move(members)), options_(options) {}
  std::string name() const override { return "blend"; }
  Status Fit(const RatingSet& train) override;
  float Predict(int32_t user, int32_t item) const override;
  // weights()[0] is the intercept, then one per member.
  const std::vector<double>& weights() const { return weights_; }

 private:
  std::vector<ModelFactory> factories_;
  BlendOptions options_;
  std::vector<std::unique_ptr<Model>> members_;
  std::vector<double> weights_;
};

}  // namespace strato::recsys
