// Top-k over a synthetic catalogue: exact (Eigen matrix-vector product + heap)
// against HNSW with norm augmentation (mips_index.h). Prints recall@k of the
// approximate answer against the exact one, and queries per second of both
// at concurrency 1 and N (threads issuing queries at once), with the speed-up.
//
// Usage: recsys_topk_bench [--items N] [--factors F] [--queries Q] [--k K]
//          [--ef E1,E2,...] [--m M] [--ef-construction C] [--build-threads T]
//          [--concurrency N] [--seed S]
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "strato/recsys/mips_index.h"

namespace {

using strato::recsys::ExactMipsIndex;
using strato::recsys::HnswMipsIndex;
using strato::recsys::HnswOptions;
using strato::recsys::ScoredItem;

struct Flags {
  int64_t items = 1000000;
  int factors = 64;
  int queries = 200;
  int k = 10;
  std::vector<int> efs{100, 400, 1000};
  int m = 16;
  int ef_construction = 100;
  int build_threads = 2;
  int concurrency = 64;
  uint64_t seed = 42;
};

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Item factors around 512 taste centres with varied norms, as trained
// factor matrices have (popular items have larger norms).
std::vector<float> MakeFactors(int64_t n, int f, uint64_t seed, std::vector<float>* centres) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal(0, 1);
  std::lognormal_distribution<float> scale(0, 0.35f);
  constexpr int kCentres = 512;
  centres->resize(static_cast<size_t>(kCentres) * f);
  for (float& v : *centres) v = normal(rng);
  std::vector<float> y(static_cast<size_t>(n) * f);
  std::uniform_int_distribution<int> pick(0, kCentres - 1);
  for (int64_t i = 0; i < n; ++i) {
    const float* c = &(*centres)[static_cast<size_t>(pick(rng)) * f];
    const float s = scale(rng) / std::sqrt(static_cast<float>(f));
    for (int d = 0; d < f; ++d) y[static_cast<size_t>(i) * f + d] = s * (c[d] + 0.7f * normal(rng));
  }
  return y;
}

template <typename Search>
double QueriesPerSecond(const std::vector<std::vector<float>>& queries, int concurrency,
                        Search search) {
  std::atomic<size_t> next{0};
  const double start = Now();
  std::vector<std::thread> threads;
  for (int t = 0; t < concurrency; ++t) {
    threads.emplace_back([&] {
      for (size_t q = next++; q < queries.size(); q = next++) search(queries[q]);
    });
  }
  for (auto& t : threads) t.join();
  return static_cast<double>(queries.size()) / (Now() - start);
}

bool ParseFlags(int argc, char** argv, Flags* f) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--help" || a == "-h") return false;
    if (i + 1 >= argc) return false;
    const char* v = argv[++i];
    if (a == "--items")
      f->items = std::atoll(v);
    else if (a == "--factors")
      f->factors = std::atoi(v);
    else if (a == "--queries")
      f->queries = std::atoi(v);
    else if (a == "--k")
      f->k = std::atoi(v);
    else if (a == "--ef") {
      f->efs.clear();
      for (const char* p = v; *p != '\0';) {
        char* end = nullptr;
        f->efs.push_back(static_cast<int>(std::strtol(p, &end, 10)));
        if (end == p) return false;
        p = *end == ',' ? end + 1 : end;
      }
    } else if (a == "--m")
      f->m = std::atoi(v);
    else if (a == "--ef-construction")
      f->ef_construction = std::atoi(v);
    else if (a == "--build-threads")
      f->build_threads = std::atoi(v);
    else if (a == "--concurrency")
      f->concurrency = std::atoi(v);
    else if (a == "--seed")
      f->seed = std::strtoull(v, nullptr, 10);
    else
      return false;
  }
  return !f->efs.empty() && f->items > 0 && f->factors > 0 && f->queries > 0 && f->k > 0 &&
         f->concurrency > 0;
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags;
  if (!ParseFlags(argc, argv, &flags)) {
    std::fprintf(
        stderr,
        "usage: recsys_topk_bench [--items N] [--factors F] [--queries Q] [--k K] [--ef E]\n"
        "         [--m M] [--ef-construction C] [--build-threads T] [--concurrency N] "
        "[--seed S]\n");
    return 2;
  }
  std::vector<float> centres;
  double t0 = Now();
  const std::vector<float> y = MakeFactors(flags.items, flags.factors, flags.seed, &centres);
  std::fprintf(stderr, "generated %lld x %d factors in %.1f s\n",
               static_cast<long long>(flags.items), flags.factors, Now() - t0);
  std::mt19937_64 rng(flags.seed + 1);
  std::normal_distribution<float> normal(0, 1);
  std::vector<std::vector<float>> queries(static_cast<size_t>(flags.queries));
  for (auto& q : queries) {
    const float* c = &centres[static_cast<size_t>(rng() % 512) * flags.factors];
    q.resize(static_cast<size_t>(flags.factors));
    for (int d = 0; d < flags.factors; ++d) q[d] = c[d] + 0.7f * normal(rng);
  }
  ExactMipsIndex exact(y, flags.factors);
  t0 = Now();
  HnswOptions options;
  options.m = flags.m;
  options.ef_construction = flags.ef_construction;
  options.threads = flags.build_threads;
  HnswMipsIndex hnsw(y, flags.factors, options);
  const double build_s = Now() - t0;
  std::fprintf(stderr, "built HNSW (M=%d, ef_construction=%d, %d threads) in %.1f s\n", flags.m,
               flags.ef_construction, flags.build_threads, build_s);

  std::printf(
      "catalogue %lld items x %d factors, k=%d, %d queries, HNSW M=%d ef_construction=%d "
      "(build %.1f s, %d threads)\n",
      static_cast<long long>(flags.items), flags.factors, flags.k, flags.queries, flags.m,
      flags.ef_construction, build_s, flags.build_threads);
  std::vector<std::vector<ScoredItem>> truth;
  for (const auto& q : queries) truth.push_back(exact.Search(q, flags.k));
  double exact_qps[2];
  const int levels[2] = {1, flags.concurrency};
  for (int c = 0; c < 2; ++c) {
    exact_qps[c] = QueriesPerSecond(queries, levels[c],
                                    [&](const std::vector<float>& q) { exact.Search(q, flags.k); });
    std::printf("exact: concurrency %3d  %10.1f q/s\n", levels[c], exact_qps[c]);
  }
  for (const int ef : flags.efs) {
    hnsw.SetEf(ef);
    size_t found = 0;
    for (size_t q = 0; q < queries.size(); ++q) {
      for (const ScoredItem& x : hnsw.Search(queries[q], flags.k)) {
        for (const ScoredItem& e : truth[q]) found += x.item == e.item ? 1 : 0;
      }
    }
    const double recall =
        static_cast<double>(found) / (static_cast<double>(queries.size()) * flags.k);
    std::printf("HNSW ef=%4d: recall@%d %.4f", ef, flags.k, recall);
    for (int c = 0; c < 2; ++c) {
      const double qps = QueriesPerSecond(
          queries, levels[c], [&](const std::vector<float>& q) { hnsw.Search(q, flags.k); });
      std::printf("  | concurrency %d: %.1f q/s, %.1fx exact", levels[c], qps, qps / exact_qps[c]);
    }
    std::printf("\n");
  }
  return 0;
}
