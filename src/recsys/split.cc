#include "strato/recsys/split.h"

#include <algorithm>
#include <random>

namespace strato::recsys {

std::pair<RatingSet, RatingSet> LeaveLastOut(const RatingSet& set, int n_last) {
  RatingSet train, test;
  train.n_users = test.n_users = set.n_users;
  train.n_items = test.n_items = set.n_items;
  std::vector<std::vector<Rating>> by_user(static_cast<size_t>(set.n_users));
  for (const Rating& r : set.ratings) by_user[r.user].push_back(r);
  for (auto& rows : by_user) {
    std::sort(rows.begin(), rows.end(), [](const Rating& a, const Rating& b) {
      return a.timestamp != b.timestamp ? a.timestamp < b.timestamp : a.item < b.item;
    });
    const size_t keep =
        rows.size() > static_cast<size_t>(n_last) ? rows.size() - n_last : rows.size();
    for (size_t i = 0; i < rows.size(); ++i) (i < keep ? train : test).ratings.push_back(rows[i]);
  }
  return {std::move(train), std::move(test)};
}

std::pair<RatingSet, RatingSet> RandomHoldout(const RatingSet& set, double fraction,
                                              uint64_t seed) {
  RatingSet keep, held;
  keep.n_users = held.n_users = set.n_users;
  keep.n_items = held.n_items = set.n_items;
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  for (const Rating& r : set.ratings) (u(rng) < fraction ? held : keep).ratings.push_back(r);
  return {std::move(keep), std::move(held)};
}

}  // namespace strato::recsys
