// In-process reference for the sentiment serving benchmark: texts per second
// of SentimentModel::Predict (the backend's own code path, explanations
// included) on N threads, over the same texts the server is driven with.
//
// usage: sentiment_inprocess_bench MODEL_FILE TEXTS_TSV [THREADS] [SECONDS] [EXPLAIN_TOP_K]
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "strato/sentiment/json_text.h"
#include "strato/sentiment/model.h"
#include "strato/sentiment/train.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s MODEL_FILE TEXTS_TSV [THREADS] [SECONDS] [EXPLAIN_TOP_K]\n",
                 argv[0]);
    return 2;
  }
  auto model = strato::sentiment::LoadModel(argv[1]);
  if (!model.ok()) {
    std::fprintf(stderr, "%s\n", model.status().message().c_str());
    return 1;
  }
  auto rows = strato::sentiment::ReadTsv(argv[2]);
  if (!rows.ok()) {
    std::fprintf(stderr, "%s\n", rows.status().message().c_str());
    return 1;
  }
  const int threads = argc > 3 ? std::atoi(argv[3]) : 1;
  const double seconds = argc > 4 ? std::atof(argv[4]) : 3.0;
  const size_t top_k = argc > 5 ? static_cast<size_t>(std::atoi(argv[5])) : 5;
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> done{0};
  std::atomic<uint64_t> checksum{0};  // keeps the work observable
  std::vector<std::thread> workers;
  const auto start = std::chrono::steady_clock::now();
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      uint64_t local = 0, sum = 0;
      for (size_t i = static_cast<size_t>(t); !stop.load(std::memory_order_relaxed);
           i = (i + 1) % rows->size()) {
        auto features = model->featurizer().Featurize((*rows)[i].text);
        if (!features.ok()) continue;
        const auto p = model->PredictFeatures(*features);
        if (top_k > 0)
          sum += strato::sentiment::ExplanationJson(model->Explain(*features, top_k)).size();
        sum += static_cast<uint64_t>(p.label);
        ++local;
      }
      done += local;
      checksum += sum;
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& w : workers) w.join();
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("threads %d texts %llu seconds %.2f texts_per_s %.0f checksum %llu\n", threads,
              static_cast<unsigned long long>(done.load()), elapsed,
              static_cast<double>(done.load()) / elapsed,
              static_cast<unsigned long long>(checksum.load()));
  return 0;
}
