// WalsModel: weighted alternating least squares for implicit feedback.
//
// Each half-step fixes one side's factors Y (n x f) and, for every row u with
// observed columns I_u and confidences c_ui, solves
//   (Y^T Y + sum_{i in I_u} (c_ui - 1) y_i y_i^T + reg I) x_u = sum_{i in I_u} c_ui y_i.
// Y^T Y is shared by all rows, so a row costs O(|I_u| f) per conjugate-
// gradient step instead of O(|I_u| f^2 + f^3) for a direct solve.
#include <Eigen/Dense>
#include <random>

#include "strato/recsys/implicit_models.h"

namespace strato::recsys {
namespace {

using RowMajorF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

struct HalfStep {
  const SparseRows* rows;
  const float* other;  // fixed factors, rows.cols index its rows
  float* solve;        // factors being solved, one row per rows.rows()
  int32_t n_other;
  int f;
  float reg;
  int cg_steps;
};

void SolveHalf(const HalfStep& h, const WalsModel& model) {
  const int f = h.f;
  Eigen::Map<const RowMajorF> y(h.other, h.n_other, f);
  Eigen::MatrixXf gram = y.transpose() * y;
  gram.diagonal().array() += h.reg;
  Eigen::VectorXf r(f), p(f), ap(f), b(f);
  Eigen::MatrixXf a(f, f);
  for (int32_t u = 0; u < h.rows->rows(); ++u) {
    Eigen::Map<Eigen::VectorXf> x(h.solve + static_cast<size_t>(u) * f, f);
    const auto cols = h.rows->cols(u);
    const auto values = h.rows->values(u);
    if (cols.empty()) {
      x.setZero();
      continue;
    }
    b.setZero();
    for (size_t k = 0; k < cols.size(); ++k)
      b += model.Confidence(values[k]) * y.row(cols[k]).transpose();
    if (h.cg_steps <= 0) {
      a = gram;
      for (size_t k = 0; k < cols.size(); ++k) {
        const auto yi = y.row(cols[k]);
        a.noalias() += (model.Confidence(values[k]) - 1.0f) * yi.transpose() * yi;
      }
      x = a.llt().solve(b);
      continue;
    }
    // r = b - A x, with A applied implicitly.
    auto apply = [&](const Eigen::VectorXf& v, Eigen::VectorXf* out) {
      out->noalias() = gram * v;
      for (size_t k = 0; k < cols.size(); ++k) {
        const auto yi = y.row(cols[k]);
        *out += ((model.Confidence(values[k]) - 1.0f) * yi.dot(v)) * yi.transpose();
      }
    };
    Eigen::VectorXf xv = x;
    apply(xv, &ap);
    r = b - ap;
    p = r;
    float rs = r.squaredNorm();
    for (int step = 0; step < h.cg_steps && rs > 1e-12f; ++step) {
      apply(p, &ap);
      const float alpha = rs / p.dot(ap);
      xv += alpha * p;
      r -= alpha * ap;
      const float rs_new = r.squaredNorm();
      p = r + (rs_new / rs) * p;
      rs = rs_new;
    }
    x = xv;
  }
}

}  // namespace

Status WalsModel::Fit(const RatingSet& train) {
  if (options_.factors < 1 || options_.iterations < 0 || options_.reg < 0) {
    return InvalidArgumentError("wals: factors must be >= 1, iterations >= 0, reg >= 0");
  }
  n_users_ = train.n_users;
  n_items_ = train.n_items;
  by_user_ = SparseRows::ByUser(train);
  by_item_ = SparseRows::ByItem(train);
  const int f = options_.factors;
  std::mt19937_64 rng(options_.seed);
  std::normal_distribution<float> normal(0.0f, options_.init_std);
  x_.resize(static_cast<size_t>(n_users_) * f);
  y_.resize(static_cast<size_t>(n_items_) * f);
  for (float& v : x_) v = normal(rng);
  for (float& v : y_) v = normal(rng);
  for (int it = 0; it < options_.iterations; ++it) {
    SolveUsers(options_.cg_steps);
    SolveHalf({&by_item_, x_.data(), y_.data(), n_users_, f, options_.reg, options_.cg_steps},
              *this);
  }
  return Status::Ok();
}

void WalsModel::SolveUsers(int cg_steps) {
  SolveHalf({&by_user_, y_.data(), x_.data(), n_items_, options_.factors, options_.reg, cg_steps},
            *this);
}

float WalsModel::Predict(int32_t user, int32_t item) const {
  const int f = options_.factors;
  Eigen::Map<const Eigen::VectorXf> x(x_.data() + static_cast<size_t>(user) * f, f);
  Eigen::Map<const Eigen::VectorXf> y(y_.data() + static_cast<size_t>(item) * f, f);
  return x.dot(y);
}

void WalsModel::ScoreAll(int32_t user, std::span<float> out) const {
  const int f = options_.factors;
  Eigen::Map<const RowMajorF> y(y_.data(), n_items_, f);
  Eigen::Map<const Eigen::VectorXf> x(x_.data() + static_cast<size_t>(user) * f, f);
  Eigen::Map<Eigen::VectorXf>(out.data(), n_items_).noalias() = y * x;
}

}  // namespace strato::recsys
