// Inference handler: decode, look up the model, and hand back a
// PendingInfer; FinishInfer encodes the model's answer.
#include "handlers.h"

namespace strato::http {
namespace {

// Keeps a response's tensors (and classification buffers) alive until the
// connection has written the binary outputs that point into them.
struct BinaryReplyOwner {
  std::unique_ptr<InferenceResponse> response;
  std::vector<std::unique_ptr<std::vector<uint8_t>>> owned;
};

}  // namespace

RouteResult HandleInfer(const HandlerContext& ctx, const std::string& model, int64_t version,
                        const RequestView& r) {
  auto got = ctx.manager->Get(model, version);
  if (!got.ok()) return StatusReply(got.status());
  std::shared_ptr<ModelVersion> mv = std::move(got).value();
  const inference::ModelConfig& config = mv->config();
  if (config.model_transaction_policy().decoupled()) {
    return ErrorReply(400, "model '" + model +
                               "' is decoupled (streams responses); use the gRPC streaming API");
  }
  auto decoded = DecodeInferRequest(r.body, r.header_length);
  if (!decoded.ok()) return StatusReply(decoded.status());
  std::unique_ptr<InferenceRequest> request = std::move(decoded).value();
  request->model_name = model;
  request->model_version = mv->version();
  request->times.received_ns = r.received_ns;
  PendingInfer pending;
  pending.options = OutputOptionsFor(*request, config.max_batch_size() > 0);
  pending.version = std::move(mv);
  pending.request = std::move(request);
  return pending;
}

Reply FinishInfer(std::unique_ptr<InferenceResponse> response, const InferOutputOptions& options) {
  if (!response) return ErrorReply(500, "the model sent no response");
  if (!response->status.ok()) {
    Reply reply = StatusReply(response->status);
    reply.request_id = response->id;
    return reply;
  }
  auto encoded = EncodeInferResponse(*response, options);
  if (!encoded.ok()) {
    return ErrorReply(500, "could not encode the model's response: " + encoded.status().message());
  }
  Reply reply;
  reply.request_id = response->id;
  reply.body = std::move(encoded->json);
  if (!encoded->binary.empty()) {
    reply.content_type = "application/octet-stream";
    reply.has_header_length = true;
    reply.header_length = reply.body.size();
    reply.tail = std::move(encoded->binary);
    auto owner = std::make_shared<BinaryReplyOwner>();
    owner->response = std::move(response);
    owner->owned = std::move(encoded->owned);
    reply.keepalive = std::move(owner);
  }
  return reply;
}

}  // namespace strato::http
