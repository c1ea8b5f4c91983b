// Maximum-inner-product search over item factors: which items score highest
// for a user vector, at catalogue scale.
//
//   ExactMipsIndex  scores every item (one matrix-vector product) and keeps
//                   the top k.
//   HnswMipsIndex   hnswlib's HNSW graph on the items augmented with one
//                   extra coordinate sqrt(M^2 - |y|^2) (M = largest norm),
//                   so that the nearest neighbours in L2 of the query
//                   (q, 0) are the items of largest q . y (Bachrach et al.
//                   2014: |q - y'|^2 = |q|^2 + M^2 - 2 q . y).
// Both are immutable after construction; Search may be called from many
// threads at once.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "strato/recsys/top_k.h"

namespace strato::recsys {

class ExactMipsIndex {
 public:
  // `factors`: n x f row-major; the index keeps a view, the caller keeps it alive.
  ExactMipsIndex(std::span<const float> factors, int32_t f);
  std::vector<ScoredItem> Search(std::span<const float> query, int32_t k) const;

 private:
  std::span<const float> factors_;
  int32_t f_;
  int32_t n_;
};

struct HnswOptions {
  int m = 16;  // graph degree
  int ef_construction = 100;
  int threads = 1;  // threads adding points while building
  uint64_t seed = 100;
};

class HnswMipsIndex {
 public:
  HnswMipsIndex(std::span<const float> factors, int32_t f, HnswOptions options = {});
  ~HnswMipsIndex();
  HnswMipsIndex(const HnswMipsIndex&) = delete;
  HnswMipsIndex& operator=(const HnswMipsIndex&) = delete;
  // Search breadth (hnswlib's ef, searches use max(ef, k)): larger trades
  // speed for recall. Not to be called while searches run.
  void SetEf(int ef);
  // Scores are the inner products q . y of the items found.
  std::vector<ScoredItem> Search(std::span<const float> query, int32_t k) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace strato::recsys
