#include "strato/train/split.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <random>

#include "strato/features/transform.h"

namespace strato::train {
namespace {

// Cuts `ids` (already in the order wanted) into the three parts.
Split Cut(const std::vector<size_t>& ids, double valid_fraction, double holdout_fraction) {
  const size_t n = ids.size();
  const auto n_holdout = static_cast<size_t>(std::llround(holdout_fraction * static_cast<double>(n)));
  const auto n_valid = static_cast<size_t>(std::llround(valid_fraction * static_cast<double>(n)));
  const size_t n_train = n - std::min(n, n_valid + n_holdout);
  Split s;
  s.train.assign(ids.begin(), ids.begin() + static_cast<long>(n_train));
  s.valid.assign(ids.begin() + static_cast<long>(n_train),
                 ids.begin() + static_cast<long>(std::min(n, n_train + n_valid)));
  s.holdout.assign(ids.begin() + static_cast<long>(std::min(n, n_train + n_valid)), ids.end());
  return s;
}

void Append(Split* into, const Split& part) {
  into->train.insert(into->train.end(), part.train.begin(), part.train.end());
  into->valid.insert(into->valid.end(), part.valid.begin(), part.valid.end());
  into->holdout.insert(into->holdout.end(), part.holdout.begin(), part.holdout.end());
}

}  // namespace

StatusOr<Split> SplitRows(const features::Table& table, const SplitOptions& o) {
  if (table.rows < 3) return InvalidArgumentError("split: need at least 3 rows, have " +
                                                  std::to_string(table.rows));
  std::mt19937_64 rng(o.seed);
  Split split;
  std::vector<size_t> all(table.rows);
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  const features::Column* by = nullptr;
  if (o.method != "random") {
    by = table.Find(o.by);
    if (by == nullptr) {
      return InvalidArgumentError("split.by: column '" + o.by + "' is not in the data (columns: " +
                                  table.ColumnNames() + ")");
    }
  }
  if (o.method == "random") {
    if (o.stratify_labels != nullptr) {
      // Shuffle within each class and cut each class the same way.
      std::map<double, std::vector<size_t>> classes;
      for (size_t r : all) classes[(*o.stratify_labels)[r]].push_back(r);
      for (auto& [label, ids] : classes) {
        std::shuffle(ids.begin(), ids.end(), rng);
        Append(&split, Cut(ids, o.valid_fraction, o.holdout_fraction));
      }
    } else {
      std::shuffle(all.begin(), all.end(), rng);
      split = Cut(all, o.valid_fraction, o.holdout_fraction);
    }
  } else if (o.method == "grouped") {
    std::map<std::string, std::vector<size_t>> groups;
    for (size_t r : all) groups[features::CellText(*by, r)].push_back(r);
    std::vector<std::string> keys;
    for (const auto& [k, v] : groups) keys.push_back(k);
    std::shuffle(keys.begin(), keys.end(), rng);
    std::vector<size_t> key_ids(keys.size());
    for (size_t i = 0; i < key_ids.size(); ++i) key_ids[i] = i;
    const Split by_group = Cut(key_ids, o.valid_fraction, o.holdout_fraction);
    auto expand = [&](const std::vector<size_t>& ids, std::vector<size_t>* rows) {
      for (size_t g : ids) {
        const auto& members = groups[keys[g]];
        rows->insert(rows->end(), members.begin(), members.end());
      }
    };
    expand(by_group.train, &split.train);
    expand(by_group.valid, &split.valid);
    expand(by_group.holdout, &split.holdout);
  } else if (o.method == "time") {
    if (by->type != features::ColumnType::kNumber) {
      return InvalidArgumentError("split.by: time column '" + o.by + "' must be numeric");
    }
    std::stable_sort(all.begin(), all.end(),
                     [&](size_t a, size_t b) { return by->numbers[a] < by->numbers[b]; });
    split = Cut(all, o.valid_fraction, o.holdout_fraction);
  } else {
    return InvalidArgumentError("split.method: unknown method '" + o.method + "'");
  }
  std::sort(split.train.begin(), split.train.end());
  std::sort(split.valid.begin(), split.valid.end());
  std::sort(split.holdout.begin(), split.holdout.end());
  if (split.train.empty() || split.valid.empty() ||
      (o.holdout_fraction > 0 && split.holdout.empty())) {
    return InvalidArgumentError("split: a part is empty (" + std::to_string(split.train.size()) +
                                " train, " + std::to_string(split.valid.size()) + " valid, " +
                                std::to_string(split.holdout.size()) +
                                " holdout rows); use more data or other fractions");
  }
  return split;
}

}  // namespace strato::train
