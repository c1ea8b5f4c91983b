// Top-k selection over a dense score vector with exclusions.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

namespace strato::recsys {

struct ScoredItem {
  int32_t item = 0;
  float score = 0;
};

// The k highest-scoring items for which `allowed(item)` is true (all items
// when `allowed` is empty), best first; ties go to the lower index so that
// answers are deterministic. Fewer than k when fewer items are allowed.
std::vector<ScoredItem> TopK(std::span<const float> scores, int32_t k,
                             const std::function<bool(int32_t)>& allowed = {});

// Same, skipping the items flagged in `excluded` (one flag per item).
std::vector<ScoredItem> TopKExcluding(std::span<const float> scores, int32_t k,
                                      const std::vector<bool>& excluded);

}  // namespace strato::recsys
