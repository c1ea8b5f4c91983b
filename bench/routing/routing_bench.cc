// routing_bench: solves benchmark instances and prints the gap to their best
// known solution (BKS), one line per (instance, seed), then the mean and the
// worst gap. The BKS is read from the .sol next to each instance
// (X-n101-k25.vrp -> X-n101-k25.sol) or from ../bks/NAME.sol (Solomon).
//
//   routing_bench [--per100 S | --time S] [--seeds K] [--threads T]
//                 [--cpu-time] [--curve t1,t2,...] FILE...
// --cpu-time measures the budget in CPU time of the search thread, so that a
// run on a busy machine gets the same search effort as on an idle one.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "strato/routing/io.h"
#include "strato/routing/solver.h"

namespace {

using namespace strato::routing;

std::string BksPath(const std::string& instance) {
  namespace fs = std::filesystem;
  fs::path p(instance);
  fs::path same = p;
  same.replace_extension(".sol");
  if (fs::exists(same)) return same.string();
  return (p.parent_path().parent_path() / "bks" / (p.stem().string() + ".sol")).string();
}

std::vector<double> ParseList(const char* s) {
  std::vector<double> out;
  char* end = nullptr;
  for (const char* c = s; *c;) {
    out.push_back(std::strtod(c, &end));
    c = *end == ',' ? end + 1 : end;
    if (end == c && *c) break;
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  double per100 = -1, fixed = 1;
  int seeds = 1, threads = 1;
  bool cpu = false;
  std::vector<double> curve;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&] {
      return i + 1 < argc
                 ? argv[++i]
                 : (std::fprintf(stderr, "%s needs a value\n", a.c_str()), std::exit(2), argv[0]);
    };
    if (a == "--per100")
      per100 = std::atof(next());
    else if (a == "--time")
      fixed = std::atof(next());
    else if (a == "--seeds")
      seeds = std::atoi(next());
    else if (a == "--threads")
      threads = std::atoi(next());
    else if (a == "--cpu-time")
      cpu = true;
    else if (a == "--curve")
      curve = ParseList(next());
    else if (a == "-h" || a == "--help") {
      std::puts(
          "routing_bench [--per100 S | --time S] [--seeds K] [--threads T] [--cpu-time] [--curve "
          "t1,t2] FILE...");
      return 0;
    } else
      files.push_back(a);
  }
  double sum_gap = 0, worst_gap = -1e9, sum_time = 0, sum_evals = 0, sum_cpu = 0;
  int runs = 0;
  std::printf("%-12s %5s %4s %7s %12s %12s %8s %4s %9s%s\n", "instance", "n", "seed", "limit_s",
              "cost", "bks", "gap%", "veh", "iters", curve.empty() ? "" : "  gap%@curve");
  for (const auto& file : files) {
    auto problem = ReadProblemFile(file);
    if (!problem.ok()) {
      std::fprintf(stderr, "%s\n", problem.status().ToString().c_str());
      return 1;
    }
    auto bks = ReadSolutionFile(BksPath(file));
    if (!bks.ok()) {
      std::fprintf(stderr, "%s\n", bks.status().ToString().c_str());
      return 1;
    }
    for (int seed = 1; seed <= seeds; ++seed) {
      SolverOptions options;
      options.seed = static_cast<uint64_t>(seed);
      options.threads = threads;
      options.cpu_time = cpu;
      options.time_limit_s = per100 > 0 ? per100 * problem->num_customers() / 100.0 : fixed;
      auto result = Solve(*problem, options);
      if (!result.ok()) {
        std::fprintf(stderr, "%s: %s\n", file.c_str(), result.status().ToString().c_str());
        return 1;
      }
      const double gap = result->feasible ? 100.0 * (result->cost - bks->cost) / bks->cost : 1e9;
      std::printf("%-12s %5d %4d %7.1f %12.1f %12.1f %8.3f %4d %9lld", problem->name.c_str(),
                  problem->num_nodes(), seed, options.time_limit_s, result->cost, bks->cost, gap,
                  result->vehicles, static_cast<long long>(result->iterations));
      for (double t : curve) {
        double at = -1;
        for (const auto& imp : result->history) {
          if (imp.seconds <= t) at = imp.cost;
        }
        if (at < 0)
          std::printf("       -");
        else
          std::printf(" %7.3f", 100.0 * (at - bks->cost) / bks->cost);
      }
      std::printf("\n");
      std::fflush(stdout);
      sum_gap += gap;
      worst_gap = std::max(worst_gap, gap);
      sum_time += result->seconds;
      sum_evals += static_cast<double>(result->move_evaluations);
      sum_cpu += options.time_limit_s * threads;
      ++runs;
    }
  }
  if (runs > 0) {
    std::printf("runs %d  mean gap %.3f%%  worst gap %.3f%%  mean wall time %.2f s\n", runs,
                sum_gap / runs, worst_gap, sum_time / runs);
    if (cpu) {
      std::printf("local-search move evaluations: %.3g per CPU second\n", sum_evals / sum_cpu);
    }
  }
  return 0;
}
