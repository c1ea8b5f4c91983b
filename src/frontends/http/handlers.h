// Route handlers, one group per file: handlers_health.cc (health, server
// and model metadata, readiness), handlers_model.cc (configuration and
// statistics), handlers_repository.cc (index, load, unload),
// handlers_infer.cc (inference).
//
// `version` is the version from the path, or -1 when the path names none.
// Thread-safety: stateless; callable from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "json_util.h"
#include "router.h"

namespace strato::http {

struct HandlerContext {
  ModelManager* manager;
  MetricsRegistry* metrics;
  const ServerInfo* info;
};

Reply HandleHealthLive(const HandlerContext& ctx);
Reply HandleHealthReady(const HandlerContext& ctx);
Reply HandleServerMetadata(const HandlerContext& ctx);
Reply HandleModelMetadata(const HandlerContext& ctx, const std::string& model, int64_t version);
// 200 ready, 404 unknown model or version, 503 known but not ready.
Reply HandleModelReady(const HandlerContext& ctx, const std::string& model, int64_t version);
Reply HandleModelConfig(const HandlerContext& ctx, const std::string& model, int64_t version);
// `model` empty: every ready version of every model.
Reply HandleModelStats(const HandlerContext& ctx, const std::string& model, int64_t version);
Reply HandleRepositoryIndex(const HandlerContext& ctx, const RequestView& request);
Reply HandleRepositoryLoad(const HandlerContext& ctx, const std::string& model,
                           const RequestView& request);
Reply HandleRepositoryUnload(const HandlerContext& ctx, const std::string& model);
RouteResult HandleInfer(const HandlerContext& ctx, const std::string& model, int64_t version,
                        const RequestView& request);


// Serialises a finished rapidjson buffer into a 200 JSON reply.
Reply JsonReply(const JsonBuffer& buffer);

}  // namespace strato::http
