// Routes parsed HTTP requests to the KServe v2 / Triton handlers.
//
// Route() answers every request except inference synchronously (a Reply);
// for inference it returns a PendingInfer that the connection hands to the
// model and later turns into a Reply with FinishInfer(). Route never blocks
// on a model's execution (repository load/unload do block: they are
// control-plane calls, documented as such by the model manager).
//
// Thread-safety: Route may be called concurrently from every io thread.
#pragma once

#include <memory>
#include <variant>

#include "http_types.h"
#include "strato/core/metrics.h"
#include "strato/frontends/server_info.h"
#include "strato/server/model_manager.h"
#include "v2_json_codec.h"

namespace strato::http {

struct PendingInfer {
  std::shared_ptr<ModelVersion> version;
  std::unique_ptr<InferenceRequest> request;
  InferOutputOptions options;
};

using RouteResult = std::variant<Reply, PendingInfer>;

// What a connection dispatches requests to (the v2 router or the metrics
// endpoint).
class RequestHandler {
 public:
  virtual ~RequestHandler() = default;
  virtual RouteResult Handle(const RequestView& request) = 0;
};

class Router : public RequestHandler {
 public:
  // `manager` must outlive the router; `metrics` may be null.
  Router(ModelManager* manager, MetricsRegistry* metrics, ServerInfo info)
      : manager_(manager), metrics_(metrics), info_(std::move(info)) {}
  RouteResult Handle(const RequestView& request) override;

 private:
  ModelManager* const manager_;
  MetricsRegistry* const metrics_;
  const ServerInfo info_;
};

// Serves GET /metrics from a registry.
class MetricsHandler : public RequestHandler {
 public:
  explicit MetricsHandler(MetricsRegistry* metrics) : metrics_(metrics) {}
  RouteResult Handle(const RequestView& request) override;

 private:
  MetricsRegistry* const metrics_;
};

// Turns the final response of an inference into a reply (JSON, plus binary
// outputs). Takes the response: binary outputs are written straight from
// its tensors.
Reply FinishInfer(std::unique_ptr<InferenceResponse> response, const InferOutputOptions& options);

}  // namespace strato::http
