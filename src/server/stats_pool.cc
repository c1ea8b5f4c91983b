#include "stats_pool.h"

namespace strato {

std::shared_ptr<ModelStats> StatsPool::Acquire(const std::string& model, int64_t version) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = stats_[{model, version}];
  if (!slot) slot = std::make_shared<ModelStats>(metrics_, model, version);
  return slot;
}

void StatsPool::Release(const std::string& model, int64_t version) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = stats_.find({model, version});
  // Destroyed under mu_ so that a concurrent Acquire cannot register the same
  // series between their creation and this object's RemoveSeries.
  if (it != stats_.end() && it->second.use_count() == 1) stats_.erase(it);
}

}  // namespace strato
