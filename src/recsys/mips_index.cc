#include "strato/recsys/mips_index.h"

#include <hnswlib/hnswlib.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <thread>

namespace strato::recsys {

using RowMajorF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

ExactMipsIndex::ExactMipsIndex(std::span<const float> factors, int32_t f)
    : factors_(factors), f_(f), n_(static_cast<int32_t>(factors.size() / static_cast<size_t>(f))) {}

std::vector<ScoredItem> ExactMipsIndex::Search(std::span<const float> query, int32_t k) const {
  std::vector<float> scores(static_cast<size_t>(n_));
  Eigen::Map<const RowMajorF> y(factors_.data(), n_, f_);
  Eigen::Map<Eigen::VectorXf>(scores.data(), n_).noalias() =
      y * Eigen::Map<const Eigen::VectorXf>(query.data(), f_);
  return TopK(scores, k);
}

struct HnswMipsIndex::Impl {
  int32_t f;
  std::span<const float> factors;
  std::unique_ptr<hnswlib::L2Space> space;
  std::unique_ptr<hnswlib::HierarchicalNSW<float>> index;
};

HnswMipsIndex::HnswMipsIndex(std::span<const float> factors, int32_t f, HnswOptions options)
    : impl_(std::make_unique<Impl>()) {
  const size_t n = factors.size() / static_cast<size_t>(f);
  impl_->f = f;
  impl_->factors = factors;
  impl_->space = std::make_unique<hnswlib::L2Space>(static_cast<size_t>(f) + 1);
  impl_->index = std::make_unique<hnswlib::HierarchicalNSW<float>>(
      impl_->space.get(), n, static_cast<size_t>(options.m),
      static_cast<size_t>(options.ef_construction), options.seed);
  std::vector<float> norms2(n);
  float max2 = 0;
  for (size_t i = 0; i < n; ++i) {
    float s = 0;
    for (int32_t d = 0; d < f; ++d) s += factors[i * f + d] * factors[i * f + d];
    norms2[i] = s;
    max2 = std::max(max2, s);
  }
  // hnswlib allows concurrent addPoint calls; the first point goes in alone
  // so that every thread finds an entry point.
  if (n == 0) return;
  {
    std::vector<float> point(static_cast<size_t>(f) + 1);
    std::copy(factors.begin(), factors.begin() + f, point.begin());
    point[f] = std::sqrt(std::max(0.0f, max2 - norms2[0]));
    impl_->index->addPoint(point.data(), 0);
  }
  const int threads = std::max(1, options.threads);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      // Point 0 is in; thread t takes points 1 + t, 1 + t + threads, ...
      std::vector<float> point(static_cast<size_t>(f) + 1);
      for (size_t i = 1 + static_cast<size_t>(t); i < n; i += static_cast<size_t>(threads)) {
        std::copy(factors.begin() + static_cast<ptrdiff_t>(i * f),
                  factors.begin() + static_cast<ptrdiff_t>((i + 1) * f), point.begin());
        point[f] = std::sqrt(std::max(0.0f, max2 - norms2[i]));
        impl_->index->addPoint(point.data(), i);
      }
    });
  }
  for (auto& w : workers) w.join();
}

HnswMipsIndex::~HnswMipsIndex() = default;

void HnswMipsIndex::SetEf(int ef) { impl_->index->setEf(static_cast<size_t>(std::max(ef, 1))); }

std::vector<ScoredItem> HnswMipsIndex::Search(std::span<const float> query, int32_t k) const {
  const int32_t f = impl_->f;
  std::vector<float> q(query.begin(), query.begin() + f);
  q.push_back(0.0f);
  auto heap = impl_->index->searchKnn(q.data(), static_cast<size_t>(k));
  std::vector<ScoredItem> out;
  while (!heap.empty()) {
    const size_t i = heap.top().second;
    heap.pop();
    float s = 0;
    for (int32_t d = 0; d < f; ++d) s += impl_->factors[i * f + d] * query[d];
    out.push_back({static_cast<int32_t>(i), s});
  }
  std::sort(out.begin(), out.end(), [](const ScoredItem& a, const ScoredItem& b) {
    return a.score != b.score ? a.score > b.score : a.item < b.item;
  });
  return out;
}

}  // namespace strato::recsys
