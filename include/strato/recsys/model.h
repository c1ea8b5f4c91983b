// The interface every recommender model implements.
//
// A model is trained once with Fit() on a RatingSet whose sizes cover every
// user and item it will be asked about, and is then immutable: Predict and
// ScoreAll may be called from many threads.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "strato/core/status.h"
#include "strato/recsys/data.h"

namespace strato::recsys {

class Model {
 public:
  virtual ~Model() = default;
  virtual std::string name() const = 0;
  virtual Status Fit(const RatingSet& train) = 0;
  // Predicted rating (explicit models) or preference score (implicit).
  virtual float Predict(int32_t user, int32_t item) const = 0;
  // Scores of every item for `user` into out[0..n_items); ranking uses
  // them. The default calls Predict per item.
  virtual void ScoreAll(int32_t user, std::span<float> out) const;
};

}  // namespace strato::recsys
