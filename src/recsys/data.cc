#include "strato/recsys/data.h"

#include <algorithm>
#include <cctype>

namespace strato::recsys {

SparseRows SparseRows::Build(const RatingSet& set, bool by_user) {
  SparseRows m;
  const int32_t n_rows = by_user ? set.n_users : set.n_items;
  std::vector<int64_t> counts(static_cast<size_t>(n_rows) + 1, 0);
  for (const Rating& r : set.ratings) ++counts[(by_user ? r.user : r.item) + 1];
  for (int32_t i = 0; i < n_rows; ++i) counts[i + 1] += counts[i];
  m.offsets_ = counts;
  m.cols_.resize(set.ratings.size());
  m.values_.resize(set.ratings.size());
  std::vector<int64_t> next(counts.begin(), counts.end() - 1);
  for (const Rating& r : set.ratings) {
    const int64_t at = next[by_user ? r.user : r.item]++;
    m.cols_[at] = by_user ? r.item : r.user;
    m.values_[at] = r.value;
  }
  // Sorted columns make lookups and merges by the models simple.
  for (int32_t row = 0; row < n_rows; ++row) {
    const int64_t b = m.offsets_[row], e = m.offsets_[row + 1];
    std::vector<std::pair<int32_t, float>> tmp;
    tmp.reserve(static_cast<size_t>(e - b));
    for (int64_t k = b; k < e; ++k) tmp.emplace_back(m.cols_[k], m.values_[k]);
    std::sort(tmp.begin(), tmp.end());
    for (int64_t k = b; k < e; ++k) {
      m.cols_[k] = tmp[k - b].first;
      m.values_[k] = tmp[k - b].second;
    }
  }
  return m;
}

SparseRows SparseRows::ByUser(const RatingSet& set) { return Build(set, true); }
SparseRows SparseRows::ByItem(const RatingSet& set) { return Build(set, false); }

uint32_t Catalogue::GenreBit(std::string_view name) const {
  for (size_t g = 0; g < genre_names.size() && g < 32; ++g) {
    const std::string& n = genre_names[g];
    if (n.size() == name.size() && std::equal(n.begin(), n.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      return 1u << g;
    }
  }
  return 0;
}

std::string Catalogue::GenreList(uint32_t mask) const {
  std::string out;
  for (size_t g = 0; g < genre_names.size() && g < 32; ++g) {
    if ((mask & (1u << g)) == 0) continue;
    if (!out.empty()) out += '|';
    out += genre_names[g];
  }
  return out;
}

double MeanRating(const RatingSet& set) {
  if (set.ratings.empty()) return 0;
  double sum = 0;
  for (const Rating& r : set.ratings) sum += r.value;
  return sum / static_cast<double>(set.ratings.size());
}

}  // namespace strato::recsys
