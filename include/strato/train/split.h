// Train / validation / holdout splits of a table's rows.
//
//   random   rows shuffled with `seed` (stratified by label when asked)
//   grouped  whole groups (entities: engines, machines) go to one part, so
//            no entity is in two parts
//   time     rows ordered by the time column; the earliest go to train,
//            then validation, then holdout
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "strato/core/status.h"
#include "strato/features/table.h"

namespace strato::train {

struct Split {
  std::vector<size_t> train, valid, holdout;  // row ids, ascending
};

struct SplitOptions {
  std::string method = "random";  // random | grouped | time
  std::string by;                 // grouped: group column; time: time column
  double valid_fraction = 0.2;
  double holdout_fraction = 0;
  uint64_t seed = 42;
  const std::vector<double>* stratify_labels = nullptr;  // random only
};

// INVALID_ARGUMENT when `by` is missing from the table, or a part would be
// empty (too few rows or groups).
StatusOr<Split> SplitRows(const features::Table& table, const SplitOptions& options);

}  // namespace strato::train
