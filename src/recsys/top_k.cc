#include "strato/recsys/top_k.h"

#include <algorithm>
#include <queue>

namespace strato::recsys {
namespace {

// Higher score first; ties to the lower index.
bool Better(const ScoredItem& a, const ScoredItem& b) {
  return a.score != b.score ? a.score > b.score : a.item < b.item;
}

template <typename Allowed>
std::vector<ScoredItem> Select(std::span<const float> scores, int32_t k, Allowed allowed) {
  std::vector<ScoredItem> heap;
  if (k <= 0) return heap;
  heap.reserve(static_cast<size_t>(k) + 1);
  for (size_t i = 0; i < scores.size(); ++i) {
    const ScoredItem candidate{static_cast<int32_t>(i), scores[i]};
    if (static_cast<int32_t>(heap.size()) == k && !Better(candidate, heap.front())) continue;
    if (!allowed(candidate.item)) continue;
    // With Better as the heap's "less", the front is the worst kept item.
    heap.push_back(candidate);
    std::push_heap(heap.begin(), heap.end(), Better);
    if (static_cast<int32_t>(heap.size()) > k) {
      std::pop_heap(heap.begin(), heap.end(), Better);
      heap.pop_back();
    }
  }
  std::sort(heap.begin(), heap.end(), Better);
  return heap;
}

}  // namespace

std::vector<ScoredItem> TopK(std::span<const float> scores, int32_t k,
                             const std::function<bool(int32_t)>& allowed) {
  if (!allowed) return Select(scores, k, [](int32_t) { return true; });
  return Select(scores, k, allowed);
}

std::vector<ScoredItem> TopKExcluding(std::span<const float> scores, int32_t k,
                                      const std::vector<bool>& excluded) {
  return Select(scores, k, [&](int32_t item) {
    return static_cast<size_t>(item) >= excluded.size() || !excluded[item];
  });
}

}  // namespace strato::recsys
