#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <system_error>
#include <vector>

#include "strato/core/logging.h"
#include "strato/forecast/forecast_backend.h"
#include "strato/forecast/series.h"

namespace strato::forecast {
namespace {

constexpr char kConfig[] = R"(name: "forecast"
backend: "forecast"
max_batch_size: 0
input [
  {
    name: "HISTORY"
    data_type: TYPE_FP32
    dims: [ -1 ]
  },
  {
    name: "HORIZON"
    data_type: TYPE_INT32
    dims: [ 1 ]
    optional: true
  }
]
output [
  {
    name: "FORECAST"
    data_type: TYPE_FP32
    dims: [ -1 ]
  },
  {
    name: "LOWER"
    data_type: TYPE_FP32
    dims: [ -1 ]
  },
  {
    name: "UPPER"
    data_type: TYPE_FP32
    dims: [ -1 ]
  }
]
# Automatic ETS (trend by AICc) on the seasonally adjusted series, M4 style;
# hourly data: a daily season of 24. The interval covers 90%.
parameters { key: "model" value { string_value: "ets" } }
parameters { key: "season" value { string_value: "24" } }
parameters { key: "horizon" value { string_value: "24" } }
parameters { key: "coverage" value { string_value: "0.9" } }
)";

// One week of hourly history: M4's H1 when the shared data is there, else a
// generated daily cycle.
std::vector<double> ExampleHistory() {
  namespace fs = std::filesystem;
  fs::path m4;
  if (const char* env = std::getenv("STRATO_DEMO_M4")) m4 = env;
#ifdef STRATO_SOURCE_ROOT
  if (m4.empty())
    m4 = fs::path(STRATO_SOURCE_ROOT) / ".." / "shared" / "datasets" / "forecasting" / "m4";
#endif
  std::error_code ec;
  const fs::path train = m4 / "Hourly-train.csv";
  if (!m4.empty() && fs::is_regular_file(train, ec)) {
    StatusOr<std::vector<Series>> series = ReadM4Wide(train.string());
    if (series.ok() && !series->empty() && (*series)[0].values.size() >= 168) {
      const std::vector<double>& v = (*series)[0].values;
      return std::vector<double>(v.end() - 168, v.end());
    }
  }
  std::vector<double> y;
  for (int t = 0; t < 168; ++t) {
    y.push_back(std::round(500 + 200 * std::sin(2 * M_PI * (t % 24) / 24.0) + 3 * (t / 24)));
  }
  return y;
}

}  // namespace

Status WriteDemoForecastModel(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(dir / "forecast" / "1", ec);
  if (ec)
    return InternalError("cannot create " + (dir / "forecast").string() + ": " + ec.message());
  std::ofstream config(dir / "forecast" / "config.pbtxt", std::ios::trunc);
  config << kConfig;
  config.close();
  if (!config) return InternalError("cannot write the forecast demo config in " + dir.string());
  std::string data;
  for (double v : ExampleHistory()) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%s%g", data.empty() ? "" : ",", v);
    data += buf;
  }
  std::ofstream request(dir / "forecast" / "example_request.json", std::ios::trunc);
  request << R"({"inputs":[{"name":"HISTORY","datatype":"FP32","shape":[168],"data":[)" << data
          << R"(]},{"name":"HORIZON","datatype":"INT32","shape":[1],"data":[24]}]})"
          << "\n";
  request.close();
  if (!request) return InternalError("cannot write the forecast demo request in " + dir.string());
  return Status::Ok();
}

}  // namespace strato::forecast
