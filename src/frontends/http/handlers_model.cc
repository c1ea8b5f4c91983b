// Model configuration and statistics handlers (Triton's model configuration
// and statistics extensions).
#include "handlers.h"
#include "strato/config/model_config.h"

namespace strato::http {
namespace {

void WriteDuration(JsonWriter& w, const char* key, const DurationStat& d) {
  w.Key(key);
  w.StartObject();
  w.Key("count");
  w.Uint64(d.count);
  w.Key("ns");
  w.Uint64(d.ns);
  w.EndObject();
}

void WriteModelStats(JsonWriter& w, ModelVersion& v) {
  const ModelStatsSnapshot s = v.stats().Snapshot();
  w.StartObject();
  w.Key("name");
  WriteString(w, v.name());
  w.Key("version");
  WriteString(w, std::to_string(v.version()));
  w.Key("last_inference");
  w.Uint64(s.last_inference_ms);
  w.Key("inference_count");
  w.Uint64(s.inference_count);
  w.Key("execution_count");
  w.Uint64(s.execution_count);
  w.Key("inference_stats");
  w.StartObject();
  WriteDuration(w, "success", s.success);
  WriteDuration(w, "fail", s.fail);
  WriteDuration(w, "queue", s.queue);
  WriteDuration(w, "compute_input", s.compute_input);
  WriteDuration(w, "compute_infer", s.compute_infer);
  WriteDuration(w, "compute_output", s.compute_output);
  WriteDuration(w, "cache_hit", s.cache_hit);
  WriteDuration(w, "cache_miss", s.cache_miss);
  w.EndObject();
  w.Key("batch_stats");
  w.StartArray();
  for (const BatchStat& b : s.batch_stats) {
    w.StartObject();
    w.Key("batch_size");
    w.Uint64(b.batch_size);
    WriteDuration(w, "compute_input", b.compute_input);
    WriteDuration(w, "compute_infer", b.compute_infer);
    WriteDuration(w, "compute_output", b.compute_output);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

}  // namespace

Reply HandleModelConfig(const HandlerContext& ctx, const std::string& model, int64_t version) {
  auto got = ctx.manager->Get(model, version);
  if (!got.ok()) return StatusReply(got.status());
  Reply reply;
  reply.body = ModelConfigToJson((*got)->config());
  return reply;
}

Reply HandleModelStats(const HandlerContext& ctx, const std::string& model, int64_t version) {
  std::vector<std::shared_ptr<ModelVersion>> versions;
  if (model.empty()) {
    versions = ctx.manager->AllReadyVersions();
  } else if (version >= 0) {
    auto got = ctx.manager->Get(model, version);
    if (!got.ok()) return StatusReply(got.status());
    versions.push_back(std::move(got).value());
  } else {
    versions = ctx.manager->ReadyVersions(model);
    if (versions.empty()) {
      auto got = ctx.manager->Get(model, -1);  // for the precise NOT_FOUND / UNAVAILABLE
      return StatusReply(got.ok() ? NotFoundError("model '" + model + "' has no ready version")
                                  : got.status());
    }
  }
  JsonBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("model_stats");
  w.StartArray();
  for (const auto& v : versions) WriteModelStats(w, *v);
  w.EndArray();
  w.EndObject();
  return JsonReply(buffer);
}

}  // namespace strato::http
