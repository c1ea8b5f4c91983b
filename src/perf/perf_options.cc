#include "perf_options.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <functional>

namespace strato::perf {
namespace {

StatusOr<double> ParseDouble(std::string_view text, std::string_view what) {
  std::string s(text);
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(v)) {
    return InvalidArgumentError(std::string(what) + ": not a number: '" + s + "'");
  }
  return v;
}

StatusOr<int64_t> ParseInt(std::string_view text, std::string_view what) {
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size()) {
    return InvalidArgumentError(std::string(what) + ": not an integer: '" + std::string(text) + "'");
  }
  return v;
}

StatusOr<int64_t> ParsePositiveInt(std::string_view text, std::string_view what) {
  ASSIGN_OR_RETURN(int64_t v, ParseInt(text, what));
  if (v <= 0) return InvalidArgumentError(std::string(what) + ": must be > 0");
  return v;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t begin = 0;
  while (true) {
    size_t pos = s.find(sep, begin);
    parts.push_back(s.substr(begin, pos == std::string_view::npos ? std::string_view::npos : pos - begin));
    if (pos == std::string_view::npos) break;
    begin = pos + 1;
  }
  return parts;
}

// Applies one flag's value to `o`. Returns NOT_FOUND for an unknown flag.
Status ApplyFlag(std::string_view flag, std::string_view value, PerfOptions* o) {
  if (flag == "-m" || flag == "--model") {
    o->model = value;
  } else if (flag == "--model-version" || flag == "-x") {
    o->model_version = value;
  } else if (flag == "-u" || flag == "--url") {
    o->url = value;
  } else if (flag == "-i" || flag == "--protocol") {
    if (value == "http" || value == "HTTP") o->protocol = Protocol::kHttp;
    else if (value == "grpc" || value == "gRPC" || value == "GRPC") o->protocol = Protocol::kGrpc;
    else return InvalidArgumentError("--protocol: expected http or grpc, got '" + std::string(value) + "'");
  } else if (flag == "--concurrency-range") {
    ASSIGN_OR_RETURN(o->concurrency, ParseLoadRange(value));
  } else if (flag == "--request-rate-range") {
    ASSIGN_OR_RETURN(o->request_rate, ParseLoadRange(value));
    o->rate_mode = true;
  } else if (flag == "--request-distribution") {
    if (value == "constant") o->distribution = RateDistribution::kConstant;
    else if (value == "poisson") o->distribution = RateDistribution::kPoisson;
    else return InvalidArgumentError("--request-distribution: expected constant or poisson");
  } else if (flag == "--max-threads") {
    ASSIGN_OR_RETURN(int64_t v, ParsePositiveInt(value, flag));
    if (v > 4096) return InvalidArgumentError("--max-threads: at most 4096");
    o->max_threads = static_cast<int>(v);
  } else if (flag == "-p" || flag == "--measurement-interval") {
    ASSIGN_OR_RETURN(o->measurement_interval_ms, ParsePositiveInt(value, flag));
  } else if (flag == "-s" || flag == "--stability-percentage") {
    ASSIGN_OR_RETURN(o->stability_percentage, ParseDouble(value, flag));
    if (o->stability_percentage < 0) return InvalidArgumentError("--stability-percentage: must be >= 0");
  } else if (flag == "-r" || flag == "--max-trials") {
    ASSIGN_OR_RETURN(int64_t v, ParsePositiveInt(value, flag));
    o->max_trials = static_cast<int>(std::min<int64_t>(v, 1000));
  } else if (flag == "--warmup-ms") {
    ASSIGN_OR_RETURN(o->warmup_ms, ParseInt(value, flag));
    if (o->warmup_ms < 0) return InvalidArgumentError("--warmup-ms: must be >= 0");
  } else if (flag == "-b" || flag == "--batch-size") {
    ASSIGN_OR_RETURN(o->batch_size, ParsePositiveInt(value, flag));
  } else if (flag == "--shape") {
    ASSIGN_OR_RETURN(auto shape, ParseShapeFlag(value));
    o->shapes[shape.first] = std::move(shape.second);
  } else if (flag == "--input-data") {
    if (value == "random") o->input_mode = InputMode::kRandom;
    else if (value == "zero") o->input_mode = InputMode::kZero;
    else { o->input_mode = InputMode::kFile; o->input_file = value; }
  } else if (flag == "-f" || flag == "--csv") {
    o->csv_file = value;
  } else if (flag == "--json") {
    o->json_file = value;
  } else if (flag == "--percentile") {
    ASSIGN_OR_RETURN(o->percentile, ParseDouble(value, flag));
    if (o->percentile <= 0 || o->percentile > 100) {
      return InvalidArgumentError("--percentile: must be in (0, 100]");
    }
  } else if (flag == "--duration-s") {
    ASSIGN_OR_RETURN(o->duration_s, ParseDouble(value, flag));
    if (o->duration_s <= 0) return InvalidArgumentError("--duration-s: must be > 0");
  } else {
    return NotFoundError(std::string(flag));
  }
  return Status::Ok();
}

bool IsBooleanFlag(std::string_view flag) {
  return flag == "--binary" || flag == "--quiet" || flag == "-q" || flag == "--help" || flag == "-h";
}

}  // namespace

std::string PerfOptions::EffectiveUrl() const {
  if (!url.empty()) return url;
  return protocol == Protocol::kGrpc ? "localhost:8001" : "localhost:8000";
}

StatusOr<LoadRange> ParseLoadRange(std::string_view text) {
  auto parts = Split(text, ':');
  if (parts.size() > 3) return InvalidArgumentError("range: expected start[:end[:step]], got '" + std::string(text) + "'");
  LoadRange r;
  ASSIGN_OR_RETURN(r.start, ParseDouble(parts[0], "range start"));
  r.end = r.start;
  if (parts.size() >= 2) {
    ASSIGN_OR_RETURN(r.end, ParseDouble(parts[1], "range end"));
  }
  if (parts.size() == 3) {
    std::string_view step = parts[2];
    if (!step.empty() && (step[0] == 'x' || step[0] == 'X' || step[0] == '*')) {
      r.multiplicative = true;
      step.remove_prefix(1);
    }
    ASSIGN_OR_RETURN(r.step, ParseDouble(step, "range step"));
  }
  if (r.start <= 0) return InvalidArgumentError("range: start must be > 0");
  if (r.end < r.start) return InvalidArgumentError("range: end must be >= start");
  if (r.multiplicative ? r.step <= 1 : r.step <= 0) {
    return InvalidArgumentError(r.multiplicative ? "range: multiplicative step must be > 1"
                                                 : "range: step must be > 0");
  }
  return r;
}

StatusOr<std::vector<double>> ExpandLoadRange(const LoadRange& range, bool integral) {
  std::vector<double> levels;
  // A tiny tolerance so that 0.1 steps reach their end despite rounding.
  const double limit = range.end * (1 + 1e-9);
  for (double v = range.start; v <= limit;
       v = range.multiplicative ? v * range.step : v + range.step) {
    double level = integral ? std::round(v) : v;
    if (integral && level < 1) level = 1;
    if (levels.empty() || levels.back() != level) levels.push_back(level);
    if (levels.size() > kMaxLevels) {
      return InvalidArgumentError("range: more than " + std::to_string(kMaxLevels) + " levels");
    }
  }
  return levels;
}

StatusOr<std::pair<std::string, std::vector<int64_t>>> ParseShapeFlag(std::string_view text) {
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) {
    return InvalidArgumentError("--shape: expected NAME:d1,d2,..., got '" + std::string(text) + "'");
  }
  std::pair<std::string, std::vector<int64_t>> out;
  out.first = std::string(text.substr(0, colon));
  for (std::string_view d : Split(text.substr(colon + 1), ',')) {
    ASSIGN_OR_RETURN(int64_t v, ParsePositiveInt(d, "--shape dimension"));
    out.second.push_back(v);
  }
  return out;
}

StatusOr<PerfOptions> ParsePerfArgs(int argc, const char* const* argv) {
  PerfOptions o;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    std::string_view flag = arg;
    std::string_view value;
    bool has_value = false;
    if (arg.starts_with("--")) {
      size_t eq = arg.find('=');
      if (eq != std::string_view::npos) {
        flag = arg.substr(0, eq);
        value = arg.substr(eq + 1);
        has_value = true;
      }
    } else if (!arg.starts_with("-") || arg.size() < 2) {
      return InvalidArgumentError("unexpected argument '" + std::string(arg) + "' (see --help)");
    }
    if (IsBooleanFlag(flag)) {
      if (has_value) return InvalidArgumentError(std::string(flag) + " takes no value");
      if (flag == "--binary") o.binary = true;
      else if (flag == "--quiet" || flag == "-q") o.quiet = true;
      else o.help = true;
      continue;
    }
    if (!has_value) {
      if (i + 1 >= argc) return InvalidArgumentError(std::string(flag) + " needs a value");
      value = argv[++i];
    }
    Status s = ApplyFlag(flag, value, &o);
    if (s.code() == StatusCode::kNotFound) {
      return InvalidArgumentError("unknown flag '" + std::string(flag) + "' (see --help)");
    }
    RETURN_IF_ERROR(s);
  }
  if (o.help) return o;
  if (o.model.empty()) return InvalidArgumentError("-m/--model is required");
  if (o.binary && o.protocol == Protocol::kGrpc) {
    return InvalidArgumentError("--binary applies to HTTP only (gRPC always sends raw tensors)");
  }
  return o;
}

std::string PerfUsage() {
  return R"(usage: strato perf -m MODEL [flags]

Drives a KServe v2 / Triton server and reports throughput and latency.

Target:
  -m, --model NAME               model to drive (required)
  -x, --model-version V          model version (default: the server's choice)
  -u, --url HOST:PORT            server (default localhost:8000 http, localhost:8001 grpc)
  -i, --protocol http|grpc       protocol (default http)
Load:
  --concurrency-range S:E:STEP   closed loop levels (default 1); STEP may be xN, e.g. 1:64:x2
  --request-rate-range S:E:STEP  open loop levels in requests/s (instead of concurrency)
  --request-distribution D       constant|poisson send intervals in rate mode (default constant)
  --max-threads N                worker threads in rate mode (default 16)
Measurement:
  -p, --measurement-interval MS  window length (default 3000)
  -s, --stability-percentage P   stable when the last 3 windows' throughputs are within P%
                                 of their mean (default 10)
  -r, --max-trials N             windows per level at most (default 10)
  --warmup-ms MS                 load before the first window, not measured (default 500)
  --percentile P                 also report this latency percentile (e.g. 99.9)
  --duration-s S                 hard cap on the whole run
Inputs:
  -b, --batch-size N             rows per request for batching models (default 1)
  --shape NAME:D1,D2             shape of an input with variable (-1) dimensions, without the batch dim
  --input-data random|zero|FILE  input values (default random); FILE is perf_analyzer JSON:
                                 {"data":[{"INPUT0":[...]}, ...]}, or {"content":[...],"shape":[...]}
  --binary                       HTTP: send and ask for tensors with Triton's binary extension
Output:
  -f, --csv FILE                 write one CSV row per level
  --json FILE                    write results as JSON
  -q, --quiet                    no progress output on stderr
  -h, --help                     this text
)";
}

}  // namespace strato::perf
