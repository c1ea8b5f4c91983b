#include "strato/recsys/model.h"

namespace strato::recsys {

void Model::ScoreAll(int32_t user, std::span<float> out) const {
  for (size_t i = 0; i < out.size(); ++i) out[i] = Predict(user, static_cast<int32_t>(i));
}

}  // namespace strato::recsys
