// Train/test splits for evaluation.
#pragma once

#include <cstdint>
#include <utility>

#include "strato/recsys/data.h"

namespace strato::recsys {

// Holds out each user's `n_last` latest interactions (by timestamp, ties by
// item index) as the test set; users with no more than n_last interactions
// keep all of theirs in training.
std::pair<RatingSet, RatingSet> LeaveLastOut(const RatingSet& set, int n_last);

// Moves a random `fraction` of the ratings (seeded) into the second set:
// the validation split carved from a training fold.
std::pair<RatingSet, RatingSet> RandomHoldout(const RatingSet& set, double fraction, uint64_t seed);

}  // namespace strato::recsys
