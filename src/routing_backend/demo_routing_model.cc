// The demo's `routing` model: a config and a generated example problem.
#include <cmath>
#include <cstdio>
#include <fstream>
#include <random>
#include <system_error>

#include "strato/routing/routing_backend.h"

namespace strato::routing {
namespace {

constexpr char kConfig[] = R"(name: "routing"
backend: "routing"
max_batch_size: 0
input [
  {
    name: "PROBLEM"
    data_type: TYPE_STRING
    dims: [ 1 ]
  }
]
output [
  {
    name: "SOLUTION"
    data_type: TYPE_STRING
    dims: [ 1 ]
  }
]
# Jobs: 2 solved at once, 16 more may wait; each request's JSON sets its own
# time_limit_s (default 2 s, at most 60 s) and threads (at most 2).
parameters [
  { key: "max_concurrent_jobs" value: { string_value: "2" } },
  { key: "max_queued_jobs" value: { string_value: "16" } },
  { key: "default_time_limit_s" value: { string_value: "2" } },
  { key: "max_time_limit_s" value: { string_value: "60" } },
  { key: "max_threads" value: { string_value: "2" } }
]
)";

}  // namespace

std::string DemoRoutingProblemJson() {
  // 40 shops around a depot on a 100 x 100 km plane, demands 1..9 crates,
  // vans of 50 crates, a working day of 600 minutes, 10 minutes per stop,
  // and a 2-hour window per shop. Fixed seed: the same problem every time.
  std::mt19937 rng(20261203);
  std::uniform_int_distribution<int> coord(0, 100), demand(1, 9), start(0, 420);
  std::string out =
      "{\"name\": \"demo-40\", \"capacity\": 50, \"vehicles\": 10, "
      "\"time_limit_s\": 1, \"depot\": {\"x\": 50, \"y\": 50, \"ready\": 0, "
      "\"due\": 600}, \"customers\": [";
  for (int i = 1; i <= 40; ++i) {
    const int x = coord(rng), y = coord(rng);
    // Open late enough to be reachable, closing 120 minutes later.
    const double reach = std::ceil(std::hypot(x - 50.0, y - 50.0));
    const int ready = std::max(start(rng), static_cast<int>(reach));
    char buf[200];
    std::snprintf(buf, sizeof buf,
                  "%s{\"id\": \"shop-%d\", \"x\": %d, \"y\": %d, \"demand\": %d, \"service\": 10, "
                  "\"ready\": %d, \"due\": %d}",
                  i == 1 ? "" : ", ", i, x, y, demand(rng), ready, ready + 120);
    out += buf;
  }
  out += "]}";
  return out;
}

Status WriteDemoRoutingModel(const std::filesystem::path& dir) {
  const auto model = dir / "routing";
  std::error_code ec;
  std::filesystem::create_directories(model / "1", ec);
  if (ec) return InternalError("cannot create " + (model / "1").string() + ": " + ec.message());
  auto write = [](const std::filesystem::path& path, const std::string& text) -> Status {
    std::ofstream f(path, std::ios::trunc);
    f << text;
    if (!f) return InternalError("cannot write " + path.string());
    return Status::Ok();
  };
  RETURN_IF_ERROR(write(model / "config.pbtxt", kConfig));
  return write(model / "1" / "example_problem.json", DemoRoutingProblemJson() + "\n");
}

}  // namespace strato::routing
