// Ingest throughput: strato's ReadTable against a minimal baseline reader
// (std::getline + std::strtod into one vector per column), on the same file
// in the same run. Usage: train_ingest_bench FILE [repeats]
// Prints rows/s of both and the ratio; the file is read once before timing
// so both readers start from the page cache.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "strato/features/csv_reader.h"

namespace {

double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The baseline: what a short hand-written loader does. Whitespace-separated
// numbers, one vector per column.
size_t BaselineRead(const std::string& path, std::vector<std::vector<double>>* columns) {
  std::ifstream in(path);
  std::string line;
  size_t rows = 0;
  columns->clear();
  while (std::getline(in, line)) {
    const char* p = line.c_str();
    size_t col = 0;
    while (true) {
      char* end = nullptr;
      const double v = std::strtod(p, &end);
      if (end == p) break;
      if (columns->size() <= col) columns->resize(col + 1);
      (*columns)[col++].push_back(v);
      p = end;
    }
    if (col > 0) ++rows;
  }
  return rows;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: train_ingest_bench FILE [repeats]\n");
    return 2;
  }
  const std::string path = argv[1];
  const int repeats = argc > 2 ? std::atoi(argv[2]) : 5;
  strato::features::ReadOptions options;
  options.format = strato::features::TextFormat::kWhitespace;
  options.header = false;
  {
    std::ifstream in(path);
    std::string first;
    std::getline(in, first);
    std::istringstream fields(first);
    std::string f;
    int n = 0;
    while (fields >> f) {
      std::string name = std::to_string(n++);
      name.insert(name.begin(), 'c');
      options.column_names.push_back(std::move(name));
    }
  }
  std::vector<std::vector<double>> sink;
  BaselineRead(path, &sink);  // warm the page cache
  double best_strato = 1e9, best_base = 1e9;
  size_t rows_strato = 0, rows_base = 0;
  for (int i = 0; i < repeats; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    auto table = strato::features::ReadTable(path, options);
    best_strato = std::min(best_strato, Seconds(t0));
    if (!table.ok()) {
      std::fprintf(stderr, "%s\n", table.status().ToString().c_str());
      return 1;
    }
    rows_strato = table->rows;
    t0 = std::chrono::steady_clock::now();
    rows_base = BaselineRead(path, &sink);
    best_base = std::min(best_base, Seconds(t0));
  }
  if (rows_strato != rows_base) {
    std::fprintf(stderr, "row counts differ: strato %zu, baseline %zu\n", rows_strato, rows_base);
    return 1;
  }
  std::printf("ingest %s: %zu rows x %zu columns, best of %d\n", path.c_str(), rows_strato,
              options.column_names.size(), repeats);
  std::printf("  strato ReadTable        %10.0f rows/s (%.3f s)\n", rows_strato / best_strato, best_strato);
  std::printf("  baseline getline+strtod %10.0f rows/s (%.3f s)\n", rows_base / best_base, best_base);
  std::printf("  ratio strato/baseline   %10.2fx\n", best_base / best_strato);
  return 0;
}
