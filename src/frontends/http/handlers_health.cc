// Health, readiness and metadata handlers.
#include "handlers.h"
#include "strato/core/datatype.h"

namespace strato::http {
namespace {

std::string_view KserveName(inference::DataType t) {
  auto type = DataTypeFromConfigName(inference::DataType_Name(t));
  return type ? DataTypeName(*type) : std::string_view("INVALID");
}

template <typename TensorConfigs>
void WriteTensorMetadata(JsonWriter& w, const TensorConfigs& tensors, bool batched) {
  w.StartArray();
  for (const auto& t : tensors) {
    w.StartObject();
    w.Key("name");
    WriteString(w, t.name());
    w.Key("datatype");
    WriteString(w, KserveName(t.data_type()));
    w.Key("shape");
    w.StartArray();
    if (batched) w.Int64(-1);
    for (int64_t d : t.dims()) w.Int64(d);
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
}

}  // namespace

Reply JsonReply(const JsonBuffer& buffer) {
  Reply reply;
  reply.body.assign(buffer.GetString(), buffer.GetSize());
  return reply;
}

Reply HandleHealthLive(const HandlerContext&) { return EmptyReply(200); }

Reply HandleHealthReady(const HandlerContext& ctx) {
  if (ctx.info->draining->load(std::memory_order_relaxed))
    return ErrorReply(503, "the server is draining");
  // Not ready: the body names what is missing (load balancers look at the status only).
  const std::string missing = ctx.manager->NotReadyReason();
  return missing.empty() ? EmptyReply(200) : ErrorReply(503, missing);
}

Reply HandleServerMetadata(const HandlerContext& ctx) {
  JsonBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("name");
  WriteString(w, ctx.info->name);
  w.Key("version");
  WriteString(w, ctx.info->version);
  w.Key("extensions");
  w.StartArray();
  for (const auto& e : ctx.info->extensions) WriteString(w, e);
  w.EndArray();
  w.EndObject();
  return JsonReply(buffer);
}

Reply HandleModelMetadata(const HandlerContext& ctx, const std::string& model, int64_t version) {
  auto got = ctx.manager->Get(model, version);
  if (!got.ok()) return StatusReply(got.status());
  const inference::ModelConfig& config = (*got)->config();
  JsonBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("name");
  WriteString(w, model);
  w.Key("versions");
  w.StartArray();
  if (version >= 0) {
    WriteString(w, std::to_string((*got)->version()));
  } else {
    for (const auto& v : ctx.manager->ReadyVersions(model)) WriteString(w, std::to_string(v->version()));
  }
  w.EndArray();
  w.Key("platform");
  WriteString(w, config.platform().empty() ? config.backend() : config.platform());
  const bool batched = config.max_batch_size() > 0;
  w.Key("inputs");
  WriteTensorMetadata(w, config.input(), batched);
  w.Key("outputs");
  WriteTensorMetadata(w, config.output(), batched);
  w.EndObject();
  return JsonReply(buffer);
}

Reply HandleModelReady(const HandlerContext& ctx, const std::string& model, int64_t version) {
  // Never loads: a scaled-to-zero model is ready (it loads on its next inference).
  if (ctx.manager->ServingState(model, version) != ModelManager::Serving::kNo)
    return EmptyReply(200);
  auto got = ctx.manager->Get(model, version);
  if (got.ok()) return EmptyReply(200);
  return StatusReply(got.status());
}

}  // namespace strato::http
