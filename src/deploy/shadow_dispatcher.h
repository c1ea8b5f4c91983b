// ShadowDispatcher: sends shadow copies off the request path. A routed
// request only queues its copy (never runs it, even on a model whose
// scheduler executes inline); one worker thread hands queued copies to the
// shadow version. At most `capacity` copies are queued or executing at once:
// beyond that a copy is dropped (and counted), so a slow shadow version can
// never slow production down or pile up work.
//
// Thread-safety: TrySubmit from any thread; the pending count is shared with
// the copies' sinks (Finished may run after the dispatcher is gone).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "strato/server/model_manager.h"

namespace strato::deploy {

// Copies queued or executing, shared by the dispatcher and the copies' sinks.
class ShadowPending {
 public:
  explicit ShadowPending(size_t capacity) : capacity_(capacity) {}
  // Takes a slot; false when all are taken.
  bool TryAcquire();
  // Gives a slot back (the copy was answered or refused).
  void Release() { count_.fetch_sub(1, std::memory_order_relaxed); }
  size_t count() const { return count_.load(std::memory_order_relaxed); }

 private:
  const size_t capacity_;
  std::atomic<size_t> count_{0};
};

class ShadowDispatcher {
 public:
  explicit ShadowDispatcher(size_t capacity);
  ~ShadowDispatcher();  // stops the worker; queued copies are refused

  const std::shared_ptr<ShadowPending>& pending() const { return pending_; }
  // Queues `request` for `version`. REQUIRES: a slot taken with
  // pending()->TryAcquire(); the request's sink releases it when answered.
  // `refused` runs (on the worker) when the version does not accept it.
  void Submit(std::shared_ptr<ModelVersion> version, std::unique_ptr<InferenceRequest> request,
              std::function<void()> refused);

 private:
  struct Job {
    std::shared_ptr<ModelVersion> version;
    std::unique_ptr<InferenceRequest> request;
    std::function<void()> refused;
  };
  void Loop();

  const std::shared_ptr<ShadowPending> pending_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> queue_;  // guarded by mu_
  bool stopping_ = false;  // guarded by mu_
  std::thread worker_;
};

}  // namespace strato::deploy
