// `strato perf` entry point: flags -> transport -> model info -> inputs ->
// one LoadRunner level after another -> table and files.
#include "strato/perf/perf.h"

#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

#include "input_data.h"
#include "load_runner.h"
#include "perf_options.h"
#include "report.h"
#include "strato/core/inference.h"
#include "transport.h"

namespace strato {
namespace {

int Fail(const std::string& message) {
  std::fprintf(stderr, "strato perf: error: %s\n", message.c_str());
  return 1;
}

std::string DescribeInputs(const perf::ModelInfo& info, const std::vector<perf::InputSet>& sets) {
  std::string s;
  for (const perf::InputTensor& t : sets.front()) {
    if (!s.empty()) s.append(", ");
    s.append(t.name).append(" ").append(DataTypeName(t.datatype)).append(" [");
    for (size_t i = 0; i < t.shape.size(); ++i) {
      if (i > 0) s.append(",");
      s.append(std::to_string(t.shape[i]));
    }
    s.append("]");
  }
  s.append("; max_batch_size ").append(std::to_string(info.max_batch_size));
  if (!info.config_known) s.append(" (guessed)");
  return s;
}

int Run(const perf::PerfOptions& options) {
  auto transport = options.protocol == perf::Protocol::kGrpc ? perf::MakeGrpcTransport(options)
                                                              : perf::MakeHttpTransport(options);
  if (!transport.ok()) return Fail(transport.status().message());
  auto info = (*transport)->FetchModelInfo();
  if (!info.ok()) {
    if (info.status().code() == StatusCode::kUnavailable) {
      return Fail("server at " + options.EffectiveUrl() + " is not reachable: " + info.status().message());
    }
    if (info.status().code() == StatusCode::kNotFound) {
      return Fail("model '" + options.model + "' is unknown to the server: " + info.status().message());
    }
    return Fail(info.status().ToString());
  }
  auto inputs = perf::BuildInputSets(*info, options);
  if (!inputs.ok()) return Fail(inputs.status().message());
  Status prepared = (*transport)->Prepare(*info, *inputs);
  if (!prepared.ok()) return Fail(prepared.message());

  const perf::LoadRange& range = options.rate_mode ? options.request_rate : options.concurrency;
  auto levels = perf::ExpandLoadRange(range, !options.rate_mode);
  if (!levels.ok()) return Fail(levels.status().message());

  if (!options.quiet) {
    std::fprintf(stderr, "strato perf: %s over %s at %s; inputs %s\n", options.model.c_str(),
                 options.protocol == perf::Protocol::kGrpc ? "gRPC" : "HTTP", options.EffectiveUrl().c_str(),
                 DescribeInputs(*info, *inputs).c_str());
  }
  const uint64_t deadline =
      options.duration_s > 0 ? NowNs() + static_cast<uint64_t>(options.duration_s * 1e9) : 0;
  perf::LoadRunner runner(options, transport->get(), deadline);
  std::vector<perf::LevelResult> results;
  bool failed_level = false;
  for (double level : *levels) {
    if (deadline != 0 && NowNs() >= deadline) {
      if (!options.quiet) std::fprintf(stderr, "strato perf: --duration-s reached; skipping remaining levels\n");
      break;
    }
    if (!options.quiet) std::fprintf(stderr, "strato perf: measuring %s %g\n", options.rate_mode ? "rate" : "concurrency", level);
    auto result = runner.RunLevel(level);
    if (!result.ok()) return Fail(result.status().message());
    if (result->latency.count == 0) failed_level = true;
    results.push_back(std::move(result).value());
  }
  std::fputs(perf::FormatTable(results, options).c_str(), stdout);
  std::fflush(stdout);
  if (!options.csv_file.empty()) {
    Status s = perf::WriteTextFile(options.csv_file, perf::FormatCsv(results, options));
    if (!s.ok()) return Fail(s.message());
  }
  if (!options.json_file.empty()) {
    Status s = perf::WriteTextFile(options.json_file, perf::FormatJson(results, options));
    if (!s.ok()) return Fail(s.message());
  }
  if (failed_level) return Fail("a level completed no successful request (see the first error above)");
  return 0;
}

}  // namespace

int RunPerfCommand(int argc, char** argv) {
  auto options = perf::ParsePerfArgs(argc, argv);
  if (!options.ok()) {
    std::fprintf(stderr, "strato perf: error: %s\n", options.status().message().c_str());
    return 1;
  }
  if (options->help) {
    std::fputs(perf::PerfUsage().c_str(), stdout);
    return 0;
  }
  // A server that drops a connection must not kill the load generator.
  std::signal(SIGPIPE, SIG_IGN);
  return Run(*options);
}

}  // namespace strato
