#include "report.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace strato::perf {
namespace {

std::string Fmt(const char* fmt, double v) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), fmt, v);
  return buf;
}

std::string PercentileLabel(double pct) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "p%g", pct);
  return buf;
}

std::string PadLeft(const std::string& s, size_t width) {
  return s.size() >= width ? s : std::string(width - s.size(), ' ') + s;
}

}  // namespace

std::string FormatTable(const std::vector<LevelResult>& results, const PerfOptions& options) {
  std::vector<std::string> header = {options.rate_mode ? "Rate/s" : "Conc", "Infer/s", "Avg us", "p50 us",
                                     "p90 us", "p95 us", "p99 us"};
  if (options.percentile > 0) header.push_back(PercentileLabel(options.percentile) + " us");
  for (const char* h : {"Errors", "Queue us", "CompIn us", "Infer us", "CompOut us", "Batch", "Stable"}) {
    header.push_back(h);
  }
  std::vector<std::vector<std::string>> rows;
  for (const LevelResult& r : results) {
    std::vector<std::string> row = {Fmt("%g", r.level), Fmt("%.1f", r.throughput), Fmt("%.0f", r.latency.avg_us),
                                    Fmt("%.0f", r.latency.p50_us), Fmt("%.0f", r.latency.p90_us),
                                    Fmt("%.0f", r.latency.p95_us), Fmt("%.0f", r.latency.p99_us)};
    if (options.percentile > 0) row.push_back(Fmt("%.0f", r.latency.extra_us));
    row.push_back(std::to_string(r.errors));
    if (r.server.valid) {
      row.push_back(Fmt("%.0f", r.server.avg_queue_us));
      row.push_back(Fmt("%.0f", r.server.avg_compute_input_us));
      row.push_back(Fmt("%.0f", r.server.avg_compute_infer_us));
      row.push_back(Fmt("%.0f", r.server.avg_compute_output_us));
      row.push_back(Fmt("%.1f", r.server.avg_batch));
    } else {
      for (int i = 0; i < 5; ++i) row.push_back("-");
    }
    row.push_back(r.stable ? "yes" : "no");
    rows.push_back(std::move(row));
  }
  std::vector<size_t> width(header.size());
  for (size_t c = 0; c < header.size(); ++c) {
    width[c] = header[c].size();
    for (const auto& row : rows) width[c] = std::max(width[c], row[c].size());
  }
  std::string out;
  auto line = [&](const std::vector<std::string>& cells) {
    for (size_t c = 0; c < cells.size(); ++c) {
      if (c > 0) out.append("  ");
      out.append(PadLeft(cells[c], width[c]));
    }
    out += "\n";
  };
  line(header);
  for (const auto& row : rows) line(row);
  for (const LevelResult& r : results) {
    if (r.errors > 0) out += Fmt("level %g: ", r.level) + "first error: " + r.first_error + "\n";
    if (r.delayed > 0) {
      out += Fmt("level %g: ", r.level) + std::to_string(r.delayed) +
             " sends ran more than 1 ms behind schedule (raise --max-threads?)\n";
    }
  }
  return out;
}

std::string FormatCsv(const std::vector<LevelResult>& results, const PerfOptions& options) {
  std::string out =
      "mode,level,throughput_infer_s,request_rate_s,avg_us,p50_us,p90_us,p95_us,p99_us,pN_us,errors,delayed,"
      "stable,windows,server_queue_us,server_compute_input_us,server_compute_infer_us,server_compute_output_us,"
      "server_request_us,server_avg_batch\n";
  for (const LevelResult& r : results) {
    out += options.rate_mode ? "rate," : "concurrency,";
    out += Fmt("%g", r.level) + "," + Fmt("%.2f", r.throughput) + "," + Fmt("%.2f", r.request_rate) + ",";
    out += Fmt("%.1f", r.latency.avg_us) + "," + Fmt("%.1f", r.latency.p50_us) + "," +
           Fmt("%.1f", r.latency.p90_us) + "," + Fmt("%.1f", r.latency.p95_us) + "," +
           Fmt("%.1f", r.latency.p99_us) + ",";
    out += (options.percentile > 0 ? Fmt("%.1f", r.latency.extra_us) : "") + ",";
    out += std::to_string(r.errors) + "," + std::to_string(r.delayed) + "," + std::string(r.stable ? "1" : "0") + "," +
           std::to_string(r.windows) + ",";
    if (r.server.valid) {
      out += Fmt("%.1f", r.server.avg_queue_us) + "," + Fmt("%.1f", r.server.avg_compute_input_us) + "," +
             Fmt("%.1f", r.server.avg_compute_infer_us) + "," + Fmt("%.1f", r.server.avg_compute_output_us) + "," +
             Fmt("%.1f", r.server.avg_request_us) + "," + Fmt("%.2f", r.server.avg_batch);
    } else {
      out += ",,,,,";
    }
    out += "\n";
  }
  return out;
}

std::string FormatJson(const std::vector<LevelResult>& results, const PerfOptions& options) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  auto num = [&w](const char* k, double v) { w.Key(k); w.Double(v); };
  w.StartObject();
  w.Key("model");
  w.String(options.model.c_str());
  w.Key("protocol");
  w.String(options.protocol == Protocol::kGrpc ? "grpc" : "http");
  w.Key("url");
  w.String(options.EffectiveUrl().c_str());
  w.Key("batch_size");
  w.Int64(options.batch_size);
  w.Key("mode");
  w.String(options.rate_mode ? "rate" : "concurrency");
  w.Key("results");
  w.StartArray();
  for (const LevelResult& r : results) {
    w.StartObject();
    num("level", r.level);
    num("throughput_infer_s", r.throughput);
    num("request_rate_s", r.request_rate);
    w.Key("latency_us");
    w.StartObject();
    num("avg", r.latency.avg_us);
    num("min", r.latency.min_us);
    num("max", r.latency.max_us);
    num("p50", r.latency.p50_us);
    num("p90", r.latency.p90_us);
    num("p95", r.latency.p95_us);
    num("p99", r.latency.p99_us);
    if (options.percentile > 0) num(PercentileLabel(options.percentile).c_str(), r.latency.extra_us);
    w.EndObject();
    w.Key("requests");
    w.Uint64(r.latency.count);
    w.Key("errors");
    w.Uint64(r.errors);
    w.Key("first_error");
    w.String(r.first_error.c_str());
    w.Key("delayed");
    w.Uint64(r.delayed);
    w.Key("stable");
    w.Bool(r.stable);
    w.Key("windows");
    w.Int(r.windows);
    w.Key("merged_windows");
    w.Int(r.merged_windows);
    w.Key("requests_all_windows");
    w.Uint64(r.total_requests);
    num("measured_s", r.measured_s);
    w.Key("server");
    if (r.server.valid) {
      w.StartObject();
      num("queue_us", r.server.avg_queue_us);
      num("compute_input_us", r.server.avg_compute_input_us);
      num("compute_infer_us", r.server.avg_compute_infer_us);
      num("compute_output_us", r.server.avg_compute_output_us);
      num("request_us", r.server.avg_request_us);
      num("avg_batch", r.server.avg_batch);
      w.Key("executions");
      w.Uint64(r.server.executions);
      w.EndObject();
    } else {
      w.Null();
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(sb.GetString(), sb.GetSize()) + "\n";
}

Status WriteTextFile(const std::string& path, const std::string& content) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return InternalError("cannot write '" + path + "': " + std::strerror(errno));
  size_t n = std::fwrite(content.data(), 1, content.size(), f);
  bool ok = n == content.size();
  ok = (std::fclose(f) == 0) && ok;
  if (!ok) return InternalError("cannot write '" + path + "': " + std::strerror(errno));
  return Status::Ok();
}

}  // namespace strato::perf
