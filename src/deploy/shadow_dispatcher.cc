#include "shadow_dispatcher.h"

namespace strato::deploy {

bool ShadowPending::TryAcquire() {
  size_t now = count_.load(std::memory_order_relaxed);
  while (now < capacity_) {
    if (count_.compare_exchange_weak(now, now + 1, std::memory_order_relaxed)) return true;
  }
  return false;
}

ShadowDispatcher::ShadowDispatcher(size_t capacity)
    : pending_(std::make_shared<ShadowPending>(capacity)), worker_([this] { Loop(); }) {}

ShadowDispatcher::~ShadowDispatcher() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  worker_.join();
  for (Job& job : queue_) {
    if (job.refused) job.refused();
  }
}

void ShadowDispatcher::Submit(std::shared_ptr<ModelVersion> version,
                              std::unique_ptr<InferenceRequest> request,
                              std::function<void()> refused) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back({std::move(version), std::move(request), std::move(refused)});
  }
  cv_.notify_one();
}

void ShadowDispatcher::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    Job job = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    if (!job.version->Infer(job.request).ok() && job.refused) job.refused();
    lock.lock();
  }
}

}  // namespace strato::deploy
