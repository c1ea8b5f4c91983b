#include "version_reaper.h"

#include "strato/core/logging.h"

namespace strato {

VersionReaper::VersionReaper(StatsPool* stats, std::chrono::milliseconds grace)
    : stats_(stats), grace_(grace), thread_([this] { Run(); }) {}

VersionReaper::~VersionReaper() { Shutdown(); }

std::shared_future<void> VersionReaper::Retire(std::shared_ptr<ModelVersionImpl> version,
                                               bool log) {
  Item item;
  item.version = std::move(version);
  item.log = log;
  std::shared_future<void> done = item.done.get_future().share();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!shutdown_) {
      queue_.push_back(std::move(item));
      cv_.notify_one();
      return done;
    }
  }
  // After shutdown there is no thread: reap on the caller's (a manager) thread.
  Reap(item);
  return done;
}

void VersionReaper::Shutdown() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    shutdown_ = true;
    cv_.notify_one();
  }
  if (thread_.joinable()) thread_.join();
}

void VersionReaper::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait(lock, [this] { return shutdown_ || !queue_.empty(); });
    if (queue_.empty()) return;  // shutdown with nothing left
    Item item = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    Reap(item);
    lock.lock();
  }
}

void VersionReaper::Reap(Item& item) {
  const auto start = Clock::now();
  // use_count() == 1 means only this item holds the version: the manager's
  // map dropped it before handing it over, so no new reference can appear.
  const auto deadline = start + grace_;
  while (item.version.use_count() > 1 && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  if (item.version.use_count() > 1) {
    LogWarning("retiring model version still referenced",
               {{"model", item.version->name()}, {"version", std::to_string(item.version->version())}});
  }
  const std::string name = item.version->name();
  const int64_t version = item.version->version();
  item.version->Retire();
  item.version.reset();
  stats_->Release(name, version);
  if (item.log) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
    LogInfo("model unloaded", {{"model", name},
                               {"version", std::to_string(version)},
                               {"duration_ms", std::to_string(ms.count())}});
  }
  item.done.set_value();
}

}  // namespace strato
