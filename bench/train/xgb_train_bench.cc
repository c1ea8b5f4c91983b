// Training time of strato's XGBoost trainer on the C-MAPSS FD001 features
// (the example pipeline's transform). Writes the exact matrices it trains
// on (float32 / labels) so that python3-xgboost can train on the same data
// with the same parameters (xgb_train_bench.py).
// Usage: train_xgb_bench PIPELINE.yaml OUT_DIR [rounds] [threads] [repeats]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "strato/features/transform.h"
#include "strato/train/pipeline_config.h"
#include "strato/train/split.h"
#include "strato/train/xgb_trainer.h"
#include "strato/train/data_prep.h"

namespace {

using namespace strato;

void WriteFloats(const std::string& path, const std::vector<float>& v) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(v.data()), static_cast<std::streamsize>(v.size() * 4));
}

train::Matrix Take(const std::vector<float>& x, size_t f, const std::vector<double>& y,
                   const std::vector<size_t>& ids) {
  train::Matrix m;
  m.rows = ids.size();
  m.cols = f;
  for (size_t r : ids) {
    m.x.insert(m.x.end(), x.begin() + static_cast<long>(r * f), x.begin() + static_cast<long>((r + 1) * f));
    m.y.push_back(static_cast<float>(y[r]));
  }
  return m;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: train_xgb_bench PIPELINE.yaml OUT_DIR [rounds] [threads] [repeats]\n");
    return 2;
  }
  const std::string out_dir = argv[2];
  const int rounds = argc > 3 ? std::atoi(argv[3]) : 300;
  const int threads = argc > 4 ? std::atoi(argv[4]) : 2;
  const int repeats = argc > 5 ? std::atoi(argv[5]) : 3;
  auto config = train::LoadPipelineConfig(argv[1]);
  if (!config.ok()) {
    std::fprintf(stderr, "%s\n", config.status().ToString().c_str());
    return 1;
  }
  auto data = train::PrepareTrainingData(*config, true);
  if (!data.ok()) {
    std::fprintf(stderr, "%s\n", data.status().ToString().c_str());
    return 1;
  }
  train::SplitOptions so{.method = config->split_method, .by = config->split_by,
                         .valid_fraction = config->valid_fraction, .seed = config->split_seed};
  auto split = train::SplitRows(data->raw, so);
  auto t = features::FeatureTransform::Fit(config->transform, data->raw, split->train);
  auto x = t->Apply(data->raw);
  if (!split.ok() || !t.ok() || !x.ok()) {
    std::fprintf(stderr, "prepare failed\n");
    return 1;
  }
  const size_t f = t->num_features();
  const train::Matrix tr = Take(*x, f, data->labels, split->train);
  const train::Matrix va = Take(*x, f, data->labels, split->valid);
  WriteFloats(out_dir + "/train_x.f32", tr.x);
  WriteFloats(out_dir + "/train_y.f32", tr.y);
  WriteFloats(out_dir + "/valid_x.f32", va.x);
  WriteFloats(out_dir + "/valid_y.f32", va.y);
  std::printf("{\"rows\": %zu, \"valid_rows\": %zu, \"features\": %zu, \"rounds\": %d, \"threads\": %d",
              tr.rows, va.rows, f, rounds, threads);
  train::TrainSettings s;
  s.task = "regression";
  s.params = config->params;
  s.rounds = rounds;
  s.early_stopping = 0;  // a fixed number of rounds on both sides
  s.seed = config->seed;
  s.threads = threads;
  std::printf(", \"params\": {");
  bool first = true;
  for (const auto& [k, v] : s.params) {
    std::printf("%s\"%s\": \"%s\"", first ? "" : ", ", k.c_str(), v.c_str());
    first = false;
  }
  std::printf("}, \"seconds\": [");
  double last_score = 0;
  for (int i = 0; i < repeats; ++i) {
    auto r = train::TrainXgboost(tr, va, s);
    if (!r.ok()) {
      std::fprintf(stderr, "%s\n", r.status().ToString().c_str());
      return 1;
    }
    last_score = r->valid_curve.back();
    std::printf("%s%.3f", i ? ", " : "", r->seconds);
    std::fflush(stdout);
  }
  std::printf("], \"final_valid_rmse\": %.6f}\n", last_score);
  return 0;
}
