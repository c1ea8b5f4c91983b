#include "server_stats.h"

#include <cstdlib>
#include <string>

#include <rapidjson/document.h>

namespace strato::perf {
namespace {

// Triton writes uint64 counters as numbers; accept strings too (protobuf
// JSON mapping writes 64-bit integers as strings).
uint64_t U64(const rapidjson::Value& obj, const char* key) {
  if (!obj.IsObject()) return 0;
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd()) return 0;
  if (it->value.IsUint64()) return it->value.GetUint64();
  if (it->value.IsString()) return std::strtoull(it->value.GetString(), nullptr, 10);
  if (it->value.IsNumber()) return static_cast<uint64_t>(it->value.GetDouble());
  return 0;
}

void AddDuration(const rapidjson::Value& stats, const char* key, StatDuration* d) {
  if (!stats.IsObject()) return;
  auto it = stats.FindMember(key);
  if (it == stats.MemberEnd()) return;
  d->count += U64(it->value, "count");
  d->ns += U64(it->value, "ns");
}

double PerCount(uint64_t ns_delta, uint64_t count_delta) {
  return count_delta == 0 ? 0.0 : static_cast<double>(ns_delta) / static_cast<double>(count_delta) / 1000.0;
}

}  // namespace

ServerBreakdown ComputeBreakdown(const ServerStats& before, const ServerStats& after) {
  ServerBreakdown b;
  if (after.success.count < before.success.count || after.inference_count < before.inference_count ||
      after.execution_count < before.execution_count) {
    return b;
  }
  auto delta = [](const StatDuration& a, const StatDuration& z) {
    return StatDuration{z.count >= a.count ? z.count - a.count : 0, z.ns >= a.ns ? z.ns - a.ns : 0};
  };
  StatDuration success = delta(before.success, after.success);
  StatDuration queue = delta(before.queue, after.queue);
  StatDuration in = delta(before.compute_input, after.compute_input);
  StatDuration infer = delta(before.compute_infer, after.compute_infer);
  StatDuration out = delta(before.compute_output, after.compute_output);
  b.requests = success.count;
  b.inferences = after.inference_count - before.inference_count;
  b.executions = after.execution_count - before.execution_count;
  b.valid = b.requests > 0;
  b.avg_request_us = PerCount(success.ns, success.count);
  b.avg_queue_us = PerCount(queue.ns, queue.count);
  b.avg_compute_input_us = PerCount(in.ns, in.count);
  b.avg_compute_infer_us = PerCount(infer.ns, infer.count);
  b.avg_compute_output_us = PerCount(out.ns, out.count);
  b.avg_batch = b.executions == 0 ? 0.0 : static_cast<double>(b.inferences) / static_cast<double>(b.executions);
  return b;
}

StatusOr<ServerStats> ParseStatsJson(std::string_view json, std::string_view model, std::string_view version) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) return InvalidArgumentError("stats: not a JSON object");
  auto it = doc.FindMember("model_stats");
  if (it == doc.MemberEnd() || !it->value.IsArray()) return InvalidArgumentError("stats: no model_stats array");
  ServerStats s;
  bool found = false;
  for (const auto& m : it->value.GetArray()) {
    if (!m.IsObject() || !m.HasMember("name") || !m["name"].IsString()) continue;
    if (model != m["name"].GetString()) continue;
    if (!version.empty()) {
      std::string v;
      if (m.HasMember("version") && m["version"].IsString()) v = m["version"].GetString();
      if (v != version) continue;
    }
    found = true;
    s.inference_count += U64(m, "inference_count");
    s.execution_count += U64(m, "execution_count");
    auto st = m.FindMember("inference_stats");
    if (st == m.MemberEnd()) continue;
    AddDuration(st->value, "success", &s.success);
    AddDuration(st->value, "fail", &s.fail);
    AddDuration(st->value, "queue", &s.queue);
    AddDuration(st->value, "compute_input", &s.compute_input);
    AddDuration(st->value, "compute_infer", &s.compute_infer);
    AddDuration(st->value, "compute_output", &s.compute_output);
  }
  if (!found) return NotFoundError("stats: no entry for model '" + std::string(model) + "'");
  return s;
}

}  // namespace strato::perf
