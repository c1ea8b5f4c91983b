// Online fold-in: the factors of one user computed from that user's
// interactions with the item factors held fixed, i.e. the user's row of a
// weighted-ALS half-step solved exactly:
//   x = (Y^T Y + sum_i (c_i - 1) y_i y_i^T + reg I)^-1  sum_i c_i y_i
// (implicit feedback, preference 1 on observed items, confidence c_i).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace strato::recsys {

// Y^T Y of an n x f row-major factor matrix (f x f, row-major).
std::vector<double> Gramian(std::span<const float> factors, int32_t f);

// Solves the user's system. `items` index rows of `item_factors` (n x f);
// `confidence` holds c_i per item; `gramian` is Gramian(item_factors, f).
// Duplicate items add their confidences.
std::vector<float> FoldInUser(std::span<const float> item_factors, int32_t f,
                              std::span<const double> gramian, std::span<const int32_t> items,
                              std::span<const float> confidence, float reg);

}  // namespace strato::recsys
