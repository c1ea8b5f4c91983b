// xgb_inprocess_bench: the in-process ceiling for serving an XGBoost model.
//
// Loads an XGBoost model (for strato's demo: <repo>/xgb_fraud/1/xgboost.json,
// 30 features, 300 trees) and measures rows/s of XGBoosterPredictFromDense
// (in-place prediction, as strato's backend calls it) on batches of a given
// size. `--callers C` runs C threads, each with its own booster, like C model
// instances; `--nthread N` is XGBoost's own thread count per booster (the
// demo config uses 2 instances x nthread 1). When the model file does not
// exist, a synthetic model (30 features, 300 trees, depth 6) is trained and
// saved there first.
//
//   xgb_inprocess_bench MODEL_FILE [--batch 64] [--nthread 1] [--callers 1] [--seconds 3]
//
// Prints one line: "rows_per_s=<v> batch=<b> nthread=<n> callers=<c> p50_batch_us=<v>".
#include <xgboost/c_api.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr int kFeatures = 30;
constexpr char kPredictConfig[] =
    "{\"type\": 0, \"training\": false, \"iteration_begin\": 0, \"iteration_end\": 0, "
    "\"strict_shape\": false, \"missing\": NaN, \"cache_id\": 0}";

bool Check(int rc, const char* what) {
  if (rc == 0) return true;
  std::fprintf(stderr, "xgb_inprocess_bench: %s: %s\n", what, XGBGetLastError());
  return false;
}

std::vector<float> Features(size_t rows, uint32_t seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<float> dist(0.0f, 1.0f);
  std::vector<float> x(rows * kFeatures);
  for (float& v : x) v = dist(gen);
  return x;
}

bool TrainModel(const std::string& path) {
  const size_t rows = 5000;
  std::vector<float> x = Features(rows, 42);
  std::vector<float> y(rows);
  for (size_t r = 0; r < rows; ++r) y[r] = (x[r * kFeatures] + 0.5f * x[r * kFeatures + 1] > 0.3f) ? 1.0f : 0.0f;
  DMatrixHandle dm = nullptr;
  BoosterHandle b = nullptr;
  bool ok = Check(XGDMatrixCreateFromMat(x.data(), rows, kFeatures, NAN, &dm), "DMatrix") &&
            Check(XGDMatrixSetFloatInfo(dm, "label", y.data(), rows), "labels") &&
            Check(XGBoosterCreate(&dm, 1, &b), "create") &&
            Check(XGBoosterSetParam(b, "objective", "binary:logistic"), "objective") &&
            Check(XGBoosterSetParam(b, "max_depth", "6"), "max_depth") &&
            Check(XGBoosterSetParam(b, "nthread", "2"), "nthread");
  for (int i = 0; ok && i < 300; ++i) ok = Check(XGBoosterUpdateOneIter(b, i, dm), "train");
  ok = ok && Check(XGBoosterSaveModel(b, path.c_str()), "save");
  if (b) XGBoosterFree(b);
  if (dm) XGDMatrixFree(dm);
  return ok;
}

struct CallerResult {
  uint64_t rows = 0;
  std::vector<uint64_t> batch_ns;
  bool ok = true;
};

void Caller(const std::string& path, int batch, int nthread, std::chrono::steady_clock::time_point end,
            uint32_t seed, CallerResult* out) {
  BoosterHandle b = nullptr;
  const std::string threads = std::to_string(nthread);
  if (!Check(XGBoosterCreate(nullptr, 0, &b), "create") || !Check(XGBoosterLoadModel(b, path.c_str()), "load") ||
      !Check(XGBoosterSetParam(b, "nthread", threads.c_str()), "nthread")) {
    out->ok = false;
    if (b) XGBoosterFree(b);
    return;
  }
  std::vector<float> x = Features(static_cast<size_t>(batch), seed);
  char array[192];
  std::snprintf(array, sizeof(array),
                "{\"data\": [%zu, true], \"shape\": [%d, %d], \"typestr\": \"<f4\", \"version\": 3}",
                reinterpret_cast<size_t>(x.data()), batch, kFeatures);
  while (std::chrono::steady_clock::now() < end) {
    const auto t0 = std::chrono::steady_clock::now();
    const bst_ulong* shape = nullptr;
    bst_ulong dims = 0;
    const float* result = nullptr;
    if (!Check(XGBoosterPredictFromDense(b, array, kPredictConfig, nullptr, &shape, &dims, &result), "predict")) {
      out->ok = false;
      break;
    }
    out->batch_ns.push_back(static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0).count()));
    out->rows += static_cast<uint64_t>(batch);
  }
  XGBoosterFree(b);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argv[1][0] == '-') {
    std::fprintf(stderr, "usage: xgb_inprocess_bench MODEL_FILE [--batch N] [--nthread N] [--callers N] [--seconds S]\n");
    return 2;
  }
  const std::string path = argv[1];
  int batch = 64, nthread = 1, callers = 1;
  double seconds = 3;
  for (int i = 2; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--batch") == 0) batch = std::atoi(argv[i + 1]);
    else if (std::strcmp(argv[i], "--nthread") == 0) nthread = std::atoi(argv[i + 1]);
    else if (std::strcmp(argv[i], "--callers") == 0) callers = std::atoi(argv[i + 1]);
    else if (std::strcmp(argv[i], "--seconds") == 0) seconds = std::atof(argv[i + 1]);
    else {
      std::fprintf(stderr, "xgb_inprocess_bench: unknown flag %s\n", argv[i]);
      return 2;
    }
  }
  if (batch <= 0 || nthread <= 0 || callers <= 0 || callers > 64 || seconds <= 0 || seconds > 600) {
    std::fprintf(stderr, "xgb_inprocess_bench: bad flag value\n");
    return 2;
  }
  if (FILE* f = std::fopen(path.c_str(), "rb")) {
    std::fclose(f);
  } else {
    std::fprintf(stderr, "xgb_inprocess_bench: %s missing; training a synthetic 300-tree model\n", path.c_str());
    if (!TrainModel(path)) return 1;
  }
  // Warm-up pass (model load, first-call allocations) before the clock runs.
  CallerResult warm;
  Caller(path, batch, nthread, std::chrono::steady_clock::now() + std::chrono::milliseconds(200), 1, &warm);
  if (!warm.ok) return 1;

  const auto start = std::chrono::steady_clock::now();
  const auto end = start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                               std::chrono::duration<double>(seconds));
  std::vector<CallerResult> results(static_cast<size_t>(callers));
  std::vector<std::thread> threads;
  for (int c = 0; c < callers; ++c) {
    threads.emplace_back(Caller, path, batch, nthread, end, 100u + static_cast<uint32_t>(c), &results[c]);
  }
  for (auto& t : threads) t.join();
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  uint64_t rows = 0;
  std::vector<uint64_t> all;
  for (const auto& r : results) {
    if (!r.ok) return 1;
    rows += r.rows;
    all.insert(all.end(), r.batch_ns.begin(), r.batch_ns.end());
  }
  std::sort(all.begin(), all.end());
  const double p50_us = all.empty() ? 0 : static_cast<double>(all[(all.size() - 1) / 2]) / 1000.0;
  std::printf("rows_per_s=%.0f batch=%d nthread=%d callers=%d p50_batch_us=%.1f\n",
              static_cast<double>(rows) / elapsed, batch, nthread, callers, p50_us);
  return 0;
}
