#include "load_runner.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "strato/core/inference.h"

namespace strato::perf {
namespace {

constexpr uint64_t kDelayedSlackNs = 1'000'000;
constexpr uint64_t kSleepSliceNs = 50'000'000;  // how often sleepers look at stop_

// What one worker recorded since the last harvest. The worker locks mu per
// request; the main thread locks it once per window.
struct WorkerRecord {
  std::mutex mu;
  std::vector<uint64_t> latencies_ns;  // guarded by mu
  uint64_t errors = 0;                 // guarded by mu
  uint64_t delayed = 0;                // guarded by mu
  std::string first_error;             // guarded by mu
};

struct Window {
  std::vector<uint64_t> latencies_ns;
  uint64_t errors = 0;
  uint64_t delayed = 0;
  std::string first_error;
  uint64_t duration_ns = 0;
};

// Shared send schedule of rate mode.
class Schedule {
 public:
  Schedule(double rate, RateDistribution dist, uint64_t start_ns)
      : interval_ns_(1e9 / rate), dist_(dist), next_ns_(static_cast<double>(start_ns)), exp_(1.0) {}
  uint64_t Next() {
    std::lock_guard<std::mutex> lock(mu_);
    uint64_t t = static_cast<uint64_t>(next_ns_);
    next_ns_ += dist_ == RateDistribution::kPoisson ? interval_ns_ * exp_(rng_) : interval_ns_;
    return t;
  }

 private:
  const double interval_ns_;
  const RateDistribution dist_;
  std::mutex mu_;
  double next_ns_;                            // guarded by mu_
  std::mt19937_64 rng_{7};                    // guarded by mu_
  std::exponential_distribution<double> exp_; // guarded by mu_
};

// Sleeps until `t_ns` or until `stop` is set. Returns false when stopped.
bool SleepUntil(uint64_t t_ns, const std::atomic<bool>& stop) {
  while (!stop.load(std::memory_order_relaxed)) {
    uint64_t now = NowNs();
    if (now >= t_ns) return true;
    std::this_thread::sleep_for(std::chrono::nanoseconds(std::min(t_ns - now, kSleepSliceNs)));
  }
  return false;
}

void Record(WorkerRecord* rec, const Status& s, uint64_t latency_ns, bool delayed) {
  std::lock_guard<std::mutex> lock(rec->mu);
  if (s.ok()) {
    rec->latencies_ns.push_back(latency_ns);
  } else {
    if (rec->errors++ == 0) rec->first_error = s.ToString();
  }
  if (delayed) ++rec->delayed;
}

void WorkerLoop(WorkerClient* client, WorkerRecord* rec, size_t first_index, Schedule* schedule,
                const std::atomic<bool>& stop) {
  size_t index = first_index;
  while (!stop.load(std::memory_order_relaxed)) {
    bool delayed = false;
    if (schedule != nullptr) {
      uint64_t at = schedule->Next();
      if (!SleepUntil(at, stop)) break;
      delayed = NowNs() > at + kDelayedSlackNs;
    }
    const uint64_t start = NowNs();
    Status s = client->Infer(index++);
    Record(rec, s, NowNs() - start, delayed);
  }
}

// Moves everything the workers recorded into `w`.
void Harvest(std::vector<std::unique_ptr<WorkerRecord>>& records, Window* w) {
  for (auto& rec : records) {
    std::lock_guard<std::mutex> lock(rec->mu);
    w->latencies_ns.insert(w->latencies_ns.end(), rec->latencies_ns.begin(), rec->latencies_ns.end());
    rec->latencies_ns.clear();
    if (w->first_error.empty()) w->first_error = rec->first_error;
    w->errors += rec->errors;
    w->delayed += rec->delayed;
    rec->errors = rec->delayed = 0;
    rec->first_error.clear();
  }
}

}  // namespace

LoadRunner::LoadRunner(const PerfOptions& options, Transport* transport, uint64_t deadline_ns)
    : options_(options), transport_(transport), deadline_ns_(deadline_ns) {}

StatusOr<LevelResult> LoadRunner::RunLevel(double level) {
  const bool rate = options_.rate_mode;
  const size_t workers = rate ? static_cast<size_t>(options_.max_threads) : static_cast<size_t>(level);
  std::vector<std::unique_ptr<WorkerClient>> clients;
  std::vector<std::unique_ptr<WorkerRecord>> records;
  for (size_t i = 0; i < workers; ++i) {
    ASSIGN_OR_RETURN(auto client, transport_->NewWorker());
    clients.push_back(std::move(client));
    records.push_back(std::make_unique<WorkerRecord>());
  }
  std::atomic<bool> stop{false};
  std::unique_ptr<Schedule> schedule;
  if (rate) schedule = std::make_unique<Schedule>(level, options_.distribution, NowNs());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < workers; ++i) {
    threads.emplace_back(WorkerLoop, clients[i].get(), records[i].get(), i, schedule.get(), std::cref(stop));
  }
  auto capped = [this](uint64_t t) { return deadline_ns_ != 0 ? std::min(t, deadline_ns_) : t; };

  // Warm-up, discarded.
  SleepUntil(capped(NowNs() + static_cast<uint64_t>(options_.warmup_ms) * 1'000'000), stop);
  Window discard;
  Harvest(records, &discard);

  std::vector<Window> windows;
  std::vector<double> throughputs;
  std::vector<StatusOr<ServerStats>> snapshots;
  snapshots.push_back(transport_->FetchStats());
  const uint64_t interval_ns = static_cast<uint64_t>(options_.measurement_interval_ms) * 1'000'000;
  bool stable = false;
  for (int trial = 0; trial < options_.max_trials; ++trial) {
    const uint64_t begin = NowNs();
    if (deadline_ns_ != 0 && begin >= deadline_ns_) break;
    SleepUntil(capped(begin + interval_ns), stop);
    Window w;
    Harvest(records, &w);
    w.duration_ns = std::max<uint64_t>(NowNs() - begin, 1);
    snapshots.push_back(transport_->FetchStats());
    const double tput = static_cast<double>(w.latencies_ns.size()) * static_cast<double>(options_.batch_size) *
                        1e9 / static_cast<double>(w.duration_ns);
    throughputs.push_back(tput);
    if (!options_.quiet) {
      std::fprintf(stderr, "  %s %g, window %d: %.1f infer/s, %zu ok, %lu errors\n",
                   rate ? "rate" : "concurrency", level, trial + 1, tput, w.latencies_ns.size(),
                   static_cast<unsigned long>(w.errors));
    }
    windows.push_back(std::move(w));
    if (IsStable(throughputs, options_.stability_percentage)) {
      stable = true;
      break;
    }
  }
  stop.store(true);
  for (auto& t : threads) t.join();

  LevelResult result;
  result.level = level;
  result.stable = stable;
  result.windows = static_cast<int>(windows.size());
  // Rates and latencies come from the last (up to 3) windows, the stable
  // ones; errors and counts from every window measured, so that no error
  // goes unreported.
  const size_t first = windows.size() > 3 ? windows.size() - 3 : 0;
  std::vector<uint64_t> latencies;
  uint64_t duration_ns = 0;
  for (size_t i = 0; i < windows.size(); ++i) {
    Window& w = windows[i];
    result.errors += w.errors;
    result.delayed += w.delayed;
    result.total_requests += w.latencies_ns.size() + w.errors;
    if (result.first_error.empty()) result.first_error = w.first_error;
    if (i < first) continue;
    latencies.insert(latencies.end(), w.latencies_ns.begin(), w.latencies_ns.end());
    duration_ns += w.duration_ns;
  }
  result.merged_windows = static_cast<int>(windows.size() - first);
  if (duration_ns > 0) {
    result.measured_s = static_cast<double>(duration_ns) / 1e9;
    result.request_rate = static_cast<double>(latencies.size()) / result.measured_s;
    result.throughput = result.request_rate * static_cast<double>(options_.batch_size);
  }
  result.latency = Summarize(&latencies, options_.percentile);
  if (!windows.empty() && snapshots[first].ok() && snapshots.back().ok()) {
    result.server = ComputeBreakdown(*snapshots[first], *snapshots.back());
  }
  return result;
}

}  // namespace strato::perf
