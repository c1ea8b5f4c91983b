#include "strato/recsys/fold_in.h"

#include <Eigen/Dense>

namespace strato::recsys {

using RowMajorF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

std::vector<double> Gramian(std::span<const float> factors, int32_t f) {
  const Eigen::Index n = static_cast<Eigen::Index>(factors.size() / static_cast<size_t>(f));
  Eigen::Map<const RowMajorF> y(factors.data(), n, f);
  const Eigen::MatrixXd yd = y.cast<double>();
  Eigen::MatrixXd g = yd.transpose() * yd;
  std::vector<double> out(static_cast<size_t>(f) * f);
  Eigen::Map<Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(out.data(), f,
                                                                                     f) = g;
  return out;
}

std::vector<float> FoldInUser(std::span<const float> item_factors, int32_t f,
                              std::span<const double> gramian, std::span<const int32_t> items,
                              std::span<const float> confidence, float reg) {
  Eigen::MatrixXd a =
      Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
          gramian.data(), f, f);
  a.diagonal().array() += reg;
  Eigen::VectorXd b = Eigen::VectorXd::Zero(f);
  for (size_t k = 0; k < items.size(); ++k) {
    const Eigen::VectorXd y = Eigen::Map<const Eigen::VectorXf>(
                                  item_factors.data() + static_cast<size_t>(items[k]) * f, f)
                                  .cast<double>();
    const double c = confidence[k];
    a.noalias() += (c - 1.0) * y * y.transpose();
    b += c * y;
  }
  const Eigen::VectorXd x = a.llt().solve(b);
  std::vector<float> out(static_cast<size_t>(f));
  for (int32_t d = 0; d < f; ++d) out[d] = static_cast<float>(x(d));
  return out;
}

}  // namespace strato::recsys
