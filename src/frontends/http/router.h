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

#include <functional>
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

// Turns the responses of a generation (a decoupled model's many responses,
// then a final one) into what the connection writes: for streaming replies
// a chunk per response (Server-Sent Events), otherwise one reply at the end.
// Called on the connection's io thread, in response order.
class GenerationFormatter {
 public:
  virtual ~GenerationFormatter() = default;
  virtual bool streaming() const = 0;
  // Streaming: the reply's content type (a static string).
  virtual std::string_view content_type() const { return "text/event-stream"; }
  // Bytes to send for `response` (streaming), or state to gather (not).
  virtual std::string Chunk(const InferenceResponse& response, bool final) = 0;
  // The whole reply when the first response is an error (nothing sent yet).
  virtual Reply Error(const Status& status) = 0;
  // Not streaming: the reply after the final response.
  virtual Reply Finish() = 0;
};

struct PendingGenerate {
  std::shared_ptr<ModelVersion> version;
  std::unique_ptr<InferenceRequest> request;
  std::unique_ptr<GenerationFormatter> formatter;
};

// A control-plane call that may block for seconds (a deployment change that
// loads a version): the connection runs it on its own thread, so the io
// thread keeps serving its other connections meanwhile.
struct PendingCall {
  std::function<Reply()> run;
};

using RouteResult = std::variant<Reply, PendingInfer, PendingGenerate, PendingCall>;

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
