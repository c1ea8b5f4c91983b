// VersionReaper: retires replaced or unloaded model versions on its own
// thread, so that no request thread and no Get() ever waits for a drain.
//
// For each version handed over it waits until nobody else holds a reference
// (request threads drop theirs right after Infer; a reference held past
// `grace` is given up on), so a request that fetched the old version just
// before the swap can still be accepted by it; then Retire() (stop accepting,
// drain in-flight), destroy, release the stats, log, and signal completion.
//
// Thread-safety: Retire may be called from any thread; Shutdown from one.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <future>
#include <memory>
#include <mutex>
#include <thread>

#include "model_version_impl.h"
#include "stats_pool.h"

namespace strato {

class VersionReaper {
 public:
  VersionReaper(StatsPool* stats, std::chrono::milliseconds grace);
  ~VersionReaper();  // Shutdown()
  VersionReaper(const VersionReaper&) = delete;
  VersionReaper& operator=(const VersionReaper&) = delete;

  // Takes the caller's reference; the future is ready once the version is
  // destroyed. `log` says whether to log an unload (failed loads are not).
  std::shared_future<void> Retire(std::shared_ptr<ModelVersionImpl> version, bool log = true);

  // Retires everything queued, then joins the thread. Idempotent.
  void Shutdown();

 private:
  struct Item {
    std::shared_ptr<ModelVersionImpl> version;
    std::promise<void> done;
    bool log = true;
  };
  void Run();
  void Reap(Item& item);

  StatsPool* const stats_;
  const std::chrono::milliseconds grace_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Item> queue_;  // guarded by mu_
  bool shutdown_ = false;   // guarded by mu_
  std::thread thread_;
};

}  // namespace strato
