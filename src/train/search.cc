#include "strato/train/search.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <mutex>
#include <thread>

namespace strato::train {
namespace {

std::string Format(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.6g", v);
  return buf;
}

// Runs trials[ids] on `parallel` threads.
void RunTrials(std::vector<Trial>* trials, const std::vector<size_t>& ids, int parallel,
               const std::function<StatusOr<TrialScore>(const Params&, int)>& run_trial,
               const std::function<void()>& on_done) {
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i = next++; i < ids.size(); i = next++) {
      Trial& t = (*trials)[ids[i]];
      auto r = run_trial(t.params, t.rounds);
      if (r.ok()) t.result = *r;
      else t.error = r.status().message();
      on_done();
    }
  };
  std::vector<std::thread> threads;
  const int n = std::max(1, std::min<int>(parallel, static_cast<int>(ids.size())));
  for (int i = 0; i < n; ++i) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
}

}  // namespace

Params SampleParams(const std::vector<SearchRange>& space, std::mt19937_64* rng) {
  Params p;
  for (const SearchRange& r : space) {
    if (r.kind == "choice") {
      std::uniform_int_distribution<size_t> pick(0, r.choices.size() - 1);
      p[r.name] = r.choices[pick(*rng)];
    } else if (r.kind == "int") {
      std::uniform_int_distribution<long long> pick(static_cast<long long>(std::ceil(r.low)),
                                                    static_cast<long long>(std::floor(r.high)));
      p[r.name] = std::to_string(pick(*rng));
    } else if (r.kind == "log") {
      std::uniform_real_distribution<double> pick(std::log(r.low), std::log(r.high));
      p[r.name] = Format(std::exp(pick(*rng)));
    } else {
      std::uniform_real_distribution<double> pick(r.low, r.high);
      p[r.name] = Format(r.low == r.high ? r.low : pick(*rng));
    }
  }
  return p;
}

StatusOr<SearchResult> RunSearch(
    const SearchConfig& search, int full_rounds, uint64_t seed, bool higher_is_better,
    const std::function<StatusOr<TrialScore>(const Params&, int rounds)>& run_trial,
    const std::function<void(int, int)>& progress) {
  std::mt19937_64 rng(seed);
  SearchResult result;
  std::vector<Params> candidates;
  for (int i = 0; i < search.trials; ++i) candidates.push_back(SampleParams(search.space, &rng));
  auto better = [&](const Trial& a, const Trial& b) {
    if (!a.error.empty()) return false;
    if (!b.error.empty()) return true;
    return higher_is_better ? a.result.score > b.result.score : a.result.score < b.result.score;
  };
  // Plan the rungs so that the progress total is known up front.
  std::vector<std::pair<int, int>> rungs;  // (candidates, rounds)
  if (search.method == "halving") {
    int n = search.trials;
    int rounds = std::min(search.min_rounds, full_rounds);
    while (true) {
      rungs.emplace_back(n, rounds);
      if (n <= 1 || rounds >= full_rounds) break;
      n = std::max(1, n / search.eta);
      rounds = std::min(full_rounds, rounds * search.eta);
    }
  } else {
    rungs.emplace_back(search.trials, full_rounds);
  }
  int total = 0, done = 0;
  for (const auto& r : rungs) total += r.first;
  std::mutex mu;
  auto on_done = [&] {
    std::lock_guard<std::mutex> lock(mu);
    ++done;
    if (progress) progress(done, total);
  };
  std::vector<size_t> alive(candidates.size());
  for (size_t i = 0; i < alive.size(); ++i) alive[i] = i;  // index into candidates
  std::vector<size_t> last_rung_ids;
  for (size_t rung = 0; rung < rungs.size(); ++rung) {
    std::vector<size_t> ids;
    for (size_t c : alive) {
      Trial t;
      t.id = static_cast<int>(result.trials.size());
      t.rung = static_cast<int>(rung);
      t.rounds = rungs[rung].second;
      t.params = candidates[c];
      ids.push_back(result.trials.size());
      result.trials.push_back(std::move(t));
    }
    RunTrials(&result.trials, ids, search.parallel, run_trial, on_done);
    // Keep the best candidates for the next rung.
    std::vector<std::pair<size_t, size_t>> ranked;  // (trial id, candidate)
    for (size_t k = 0; k < ids.size(); ++k) ranked.emplace_back(ids[k], alive[k]);
    std::stable_sort(ranked.begin(), ranked.end(), [&](const auto& a, const auto& b) {
      return better(result.trials[a.first], result.trials[b.first]);
    });
    last_rung_ids.clear();
    for (const auto& r : ranked) last_rung_ids.push_back(r.first);
    if (rung + 1 < rungs.size()) {
      alive.clear();
      for (int k = 0; k < rungs[rung + 1].first && k < static_cast<int>(ranked.size()); ++k) {
        alive.push_back(ranked[static_cast<size_t>(k)].second);
      }
    }
  }
  result.best = static_cast<int>(last_rung_ids.front());
  if (!result.trials[static_cast<size_t>(result.best)].error.empty()) {
    return InvalidArgumentError("search: every trial failed; the first error: " +
                                result.trials.front().error);
  }
  return result;
}

}  // namespace strato::train
