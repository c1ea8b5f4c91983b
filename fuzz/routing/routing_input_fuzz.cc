// Fuzzes what the route planner reads from users: the JSON problem the
// `routing` backend receives over the network, VRPLIB and Solomon files, and
// .sol solutions. The first byte picks the reader. A problem that parses is
// solved for a few iterations and its answer checked, so the solver also
// sees odd (tiny, degenerate, asymmetric) inputs. Nothing may crash or hang.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "strato/routing/io.h"
#include "strato/routing/json.h"
#include "strato/routing/solver.h"

namespace {

void SolveBriefly(const strato::routing::Problem& p) {
  if (p.num_nodes() > 60) return;  // keep each input fast
  strato::routing::SolverOptions o;
  o.time_limit_s = 0;
  o.max_iterations = 3;
  o.population_min = 3;
  o.generation_size = 2;
  (void)strato::routing::Solve(p, o);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 4) {
    case 0: {
      auto j = strato::routing::ParseProblemJson(text);
      if (j.ok()) SolveBriefly(j->problem);
      break;
    }
    case 1: {
      auto p = strato::routing::ParseVrplib(text);
      if (p.ok()) SolveBriefly(*p);
      break;
    }
    case 2: {
      auto p = strato::routing::ParseSolomon(text);
      if (p.ok()) SolveBriefly(*p);
      break;
    }
    default: (void)strato::routing::ParseSolution(text); break;
  }
  return 0;
}
