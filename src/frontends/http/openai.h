// OpenAI-compatible routes (/v1/models, /v1/completions,
// /v1/chat/completions, /v1/embeddings) and the KServe generate extension
// (/v2/models/{m}/generate and /generate_stream), for models served by the
// llamacpp backend (wire contract in include/strato/llm/llamacpp_backend.h).
//
// openai_handlers.cc routes and validates completion bodies;
// openai_format.cc turns the model's responses into OpenAI JSON / SSE;
// openai_embeddings.cc serves /v1/embeddings. Errors use OpenAI's shape:
//   {"error": {"message": ..., "type": ..., "param": ..., "code": ...}}
//
// Thread-safety: stateless; callable from any io thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "handlers.h"

namespace strato::http {

// True for models served by the llamacpp backend (the /v1 API's models).
bool IsLanguageModel(const ModelVersion& version);

// A /v1 request body and the ready llamacpp model its "model" names.
// `body` and `model_name` point into the thread's JSON parser: valid until
// the next ParseJson on this thread.
struct OpenAIBody {
  simdjson::dom::object body;
  std::string_view model_name;
  std::shared_ptr<ModelVersion> model;
};
// Parses the body and resolves "model"; on failure the OpenAI error reply.
std::variant<OpenAIBody, Reply> ParseOpenAIBody(const HandlerContext& ctx, const RequestView& request);

// The pending call for `request` with `texts` as its text_input BYTES [N].
PendingGenerate MakeTextGeneration(std::shared_ptr<ModelVersion> model, std::unique_ptr<InferenceRequest> request,
                                   const std::vector<std::string_view>& texts, const RequestView& r,
                                   std::unique_ptr<GenerationFormatter> formatter);

// POST /v1/embeddings.
RouteResult OpenAIEmbeddings(const HandlerContext& ctx, const RequestView& request);

// Routes every /v1/... target.
RouteResult HandleOpenAI(const HandlerContext& ctx, const RequestView& request);
// /v2/models/{m}[/versions/{v}]/generate[_stream].
RouteResult HandleGenerate(const HandlerContext& ctx, const std::string& model, int64_t version,
                           const RequestView& request, bool stream);

// {"error": {...}} with `status`; `param` may be empty (JSON null).
Reply OpenAIError(int status, std::string_view message, std::string_view param = {},
                  std::string_view code = {});
// The OpenAI error reply for a non-OK status from the model.
Reply OpenAIStatusError(const Status& status);

enum class OpenAIKind { kChat, kCompletion };

struct OpenAICall {
  OpenAIKind kind = OpenAIKind::kChat;
  std::string model;
  bool stream = false;
  bool include_usage = false;
  bool logprobs = false;
  int top_logprobs = 0;
};

// Formatters for /v1 replies and for the generate extension.
std::unique_ptr<GenerationFormatter> MakeOpenAIFormatter(OpenAICall call);
std::unique_ptr<GenerationFormatter> MakeGenerateFormatter(std::string model, int64_t version, bool stream);

}  // namespace strato::http
