// `strato route solve FILE`: solves a CVRP / VRPTW instance (VRPLIB .vrp or
// Solomon .txt) with the HGS route planner, printing each improvement and
// the final routes; `strato route check FILE SOL`: validates a solution.
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>

#include "commands.h"
#include "strato/routing/io.h"
#include "strato/routing/solver.h"

namespace strato::cli {
namespace {

constexpr const char* kRouteUsage =
    "Usage: strato route solve FILE [options]\n"
    "       strato route check FILE SOLUTION.sol\n"
    "\n"
    "Plans vehicle routes for a capacitated VRP or a VRP with time windows with a\n"
    "hybrid genetic search (Vidal 2022). FILE is a VRPLIB .vrp file (CVRPLIB;\n"
    "EUC_2D distances rounded to the nearest integer, or an EXPLICIT full matrix)\n"
    "or a Solomon .txt file (distances truncated to one decimal). Each new best\n"
    "solution is printed as it is found; Ctrl-C stops early with the best so far.\n"
    "The final routes are printed in the .sol format (Route #k: ..., Cost X).\n"
    "\n"
    "Options (solve):\n"
    "  --time-limit T     time budget, e.g. 10s, 500ms, 2m (default 10s)\n"
    "  --iterations N     stop after N genetic iterations per thread\n"
    "  --seed N           random seed (default 1); same seed + --iterations = same result\n"
    "  --threads N        independent searches run in parallel (default 1)\n"
    "  --out FILE.sol     also write the solution to FILE.sol\n"
    "  --quiet            no progress lines\n"
    "  -h, --help         this help\n";

std::atomic<bool> g_interrupted{false};
void OnInterrupt(int) { g_interrupted = true; }

// "10s", "500ms", "2m", "10" (seconds) -> seconds, or -1.
double ParseDuration(std::string_view s) {
  double scale = 1;
  if (s.ends_with("ms")) {
    scale = 1e-3;
    s.remove_suffix(2);
  } else if (s.ends_with("s")) {
    s.remove_suffix(1);
  } else if (s.ends_with("m")) {
    scale = 60;
    s.remove_suffix(1);
  } else if (s.ends_with("h")) {
    scale = 3600;
    s.remove_suffix(1);
  }
  char* end = nullptr;
  const std::string str(s);
  const double v = std::strtod(str.c_str(), &end);
  if (str.empty() || *end != '\0' || !(v > 0)) return -1;
  return v * scale;
}

bool ParseInt(const char* s, long long* out) {
  char* end = nullptr;
  *out = std::strtoll(s, &end, 10);
  return *s != '\0' && *end == '\0';
}

int Check(const std::string& file, const std::string& sol_file) {
  auto problem = routing::ReadProblemFile(file);
  if (!problem.ok()) {
    std::fprintf(stderr, "strato route check: %s\n", problem.status().message().c_str());
    return 1;
  }
  auto sol = routing::ReadSolutionFile(sol_file);
  if (!sol.ok()) {
    std::fprintf(stderr, "strato route check: %s\n", sol.status().message().c_str());
    return 1;
  }
  auto report = routing::CheckSolution(*problem, sol->solution);
  if (!report.ok()) {
    std::fprintf(stderr, "strato route check: infeasible: %s\n", report.status().message().c_str());
    return 1;
  }
  std::printf("feasible: %d vehicles, cost %.10g", report->vehicles, report->cost);
  if (sol->cost >= 0) std::printf(" (file says %.10g)", sol->cost);
  std::printf("\n");
  return 0;
}

}  // namespace

int RouteCommand(int argc, char** argv) {
  if (argc < 2 || std::string_view(argv[1]) == "--help" || std::string_view(argv[1]) == "-h") {
    std::fputs(kRouteUsage, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  const std::string_view sub = argv[1];
  if (sub == "check") {
    if (argc != 4) {
      std::fputs(kRouteUsage, stderr);
      return 2;
    }
    return Check(argv[2], argv[3]);
  }
  if (sub != "solve") {
    std::fprintf(stderr, "strato route: unknown subcommand '%s'\n\n%s", argv[1], kRouteUsage);
    return 2;
  }
  std::string file, out;
  bool quiet = false;
  routing::SolverOptions options;
  options.time_limit_s = 10;
  for (int i = 2; i < argc; ++i) {
    const std::string_view a = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "strato route solve: %s needs a value\n", argv[i]);
        std::exit(2);
      }
      return argv[++i];
    };
    long long n = 0;
    if (a == "-h" || a == "--help") {
      std::fputs(kRouteUsage, stdout);
      return 0;
    } else if (a == "--time-limit") {
      const char* v = value();
      options.time_limit_s = ParseDuration(v);
      if (options.time_limit_s <= 0) {
        std::fprintf(stderr, "strato route solve: --time-limit '%s': expected e.g. 10s, 500ms\n",
                     v);
        return 2;
      }
    } else if (a == "--iterations") {
      if (!ParseInt(value(), &n) || n <= 0) {
        std::fprintf(stderr, "strato route solve: --iterations must be a positive integer\n");
        return 2;
      }
      options.max_iterations = n;
    } else if (a == "--seed") {
      if (!ParseInt(value(), &n) || n < 0) {
        std::fprintf(stderr, "strato route solve: --seed must be an integer >= 0\n");
        return 2;
      }
      options.seed = static_cast<uint64_t>(n);
    } else if (a == "--threads") {
      if (!ParseInt(value(), &n) || n < 1 || n > 256) {
        std::fprintf(stderr, "strato route solve: --threads must be in 1..256\n");
        return 2;
      }
      options.threads = static_cast<int>(n);
    } else if (a == "--out") {
      out = value();
    } else if (a == "--quiet") {
      quiet = true;
    } else if (!a.starts_with("-") && file.empty()) {
      file = a;
    } else {
      std::fprintf(stderr, "strato route solve: unknown option '%s'\n\n%s", argv[i], kRouteUsage);
      return 2;
    }
  }
  if (file.empty()) {
    std::fprintf(stderr, "strato route solve: missing FILE\n\n%s", kRouteUsage);
    return 2;
  }
  auto problem = routing::ReadProblemFile(file);
  if (!problem.ok()) {
    std::fprintf(stderr, "strato route solve: %s\n", problem.status().message().c_str());
    return 1;
  }
  if (!quiet) {
    std::fprintf(
        stderr, "%s: %d customers, capacity %g, %s, fleet %s; %.3g s, %d thread(s), seed %llu\n",
        problem->name.c_str(), problem->num_customers(), problem->capacity,
        problem->has_time_windows() ? "time windows" : "no time windows",
        problem->max_vehicles > 0 ? std::to_string(problem->max_vehicles).c_str() : "unlimited",
        options.time_limit_s, options.threads, static_cast<unsigned long long>(options.seed));
    options.on_improvement = [](const routing::Improvement& imp, const routing::Solution&) {
      std::fprintf(stderr, "[%7.2fs] cost %.10g  vehicles %d  iteration %lld\n", imp.seconds,
                   imp.cost, imp.vehicles, static_cast<long long>(imp.iteration));
    };
  }
  options.cancel = &g_interrupted;
  std::signal(SIGINT, OnInterrupt);
  auto result = routing::Solve(*problem, options);
  std::signal(SIGINT, SIG_DFL);
  if (!result.ok()) {
    std::fprintf(stderr, "strato route solve: %s\n", result.status().message().c_str());
    return 1;
  }
  if (!result->feasible) {
    std::fprintf(stderr,
                 "strato route solve: no feasible solution found in %.3g s (%lld iterations); "
                 "try a longer --time-limit\n",
                 result->seconds, static_cast<long long>(result->iterations));
    return 1;
  }
  const std::string text = routing::FormatSolution(result->best, result->cost);
  std::fputs(text.c_str(), stdout);
  if (!quiet) {
    std::fprintf(stderr, "done: cost %.10g, %d vehicles, %lld iterations in %.2f s%s (checked)\n",
                 result->cost, result->vehicles, static_cast<long long>(result->iterations),
                 result->seconds, result->cancelled ? ", interrupted" : "");
  }
  if (!out.empty()) {
    std::ofstream f(out);
    f << text;
    if (!f) {
      std::fprintf(stderr, "strato route solve: cannot write %s\n", out.c_str());
      return 1;
    }
  }
  return 0;
}

}  // namespace strato::cli
