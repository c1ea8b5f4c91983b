// MakeSyntheticCatalogue: users and items drawn around a few taste groups,
// each group tied to one genre, so that recommendations are checkable.
#include <algorithm>
#include <random>

#include "strato/recsys/service.h"

namespace strato::recsys {

SyntheticCatalogue MakeSyntheticCatalogue(int32_t users, int32_t items, uint64_t seed) {
  static constexpr const char* kGenres[] = {"Action",  "Comedy", "Drama",
                                            "Romance", "Sci-Fi", "Thriller"};
  constexpr int32_t kGroups = 6;
  SyntheticCatalogue out;
  out.catalogue.genre_names.assign(std::begin(kGenres), std::end(kGenres));
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u01(0, 1);
  for (int32_t i = 0; i < items; ++i) {
    const int32_t g = i % kGroups;
    out.catalogue.titles.push_back(std::string(kGenres[g]) + " movie " + std::to_string(i + 1));
    uint32_t mask = 1u << g;
    if (u01(rng) < 0.2) mask |= 1u << ((g + 1) % kGroups);
    out.catalogue.genre_masks.push_back(mask);
  }
  out.ratings.n_users = users;
  out.ratings.n_items = items;
  int64_t t = 880000000;
  for (int32_t u = 0; u < users; ++u) {
    const int32_t group = u % kGroups;
    for (int32_t i = 0; i < items; ++i) {
      // Popular items (low ids) and the user's own group are likelier.
      const double base = 0.01 + 0.06 * (1.0 - static_cast<double>(i) / items);
      const double p = (i % kGroups == group) ? base + 0.45 : base;
      if (u01(rng) >= p) continue;
      const float rating = (i % kGroups == group) ? 4.0f + static_cast<float>(u01(rng) < 0.5)
                                                  : 2.0f + static_cast<float>(u01(rng) < 0.5);
      out.ratings.ratings.push_back({u, i, rating, t++});
    }
  }
  return out;
}

}  // namespace strato::recsys
