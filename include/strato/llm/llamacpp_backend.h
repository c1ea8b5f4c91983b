// The `llamacpp` backend: serves a GGUF file from a model version folder
// through the continuous-batching Engine (include/strato/llm/engine.h).
//
// Wire contract (what the OpenAI, KServe generate and gRPC frontends send):
//   input  "text_input"  BYTES [1]: the prompt (completions) or "" (chat)
//   output "text_output" BYTES [1]: generated text
//   request parameters: max_tokens, temperature, top_p, top_k, min_p, seed,
//     presence_penalty, frequency_penalty, repetition_penalty, stop, stop.1,
//     stop.2, stop.3, stream (bool: one response per token), logprobs (bool),
//     top_logprobs (int 0..20), ignore_eos (bool), add_special (bool, default true), and for chat:
//     message.N.role / message.N.content (N = 0, 1, ...), rendered with the
//     model's chat template.
//   response parameters: token_id, logprob (per token), top_logprob.N.token
//     and top_logprob.N.logprob (N = 0.. most likely first); on the final
//     response finish_reason, prompt_tokens, completion_tokens, cached_tokens.
// Embeddings: request parameter task="embedding" with text_input BYTES [N]
//   answers output "embedding" FP32 [N, hidden size] (mean-pooled,
//   L2-normalised) and response parameter prompt_tokens.
// Config parameters: gguf (file name, default: the only *.gguf in the version
// folder), context_length (per sequence), parallel (slots), threads,
// batch_size, max_waiting, chat_template, temperature/top_p/top_k/max_tokens
// (defaults for requests that leave them out).
#pragma once

#include "strato/backend/backend.h"

namespace strato::llm {

void RegisterLlamaBackend(BackendRegistry* registry);

// Names of the tensors in the wire contract above.
inline constexpr std::string_view kTextInput = "text_input";
inline constexpr std::string_view kTextOutput = "text_output";
inline constexpr std::string_view kEmbeddingOutput = "embedding";

}  // namespace strato::llm

namespace strato::llm {

// Adds the demo language model "stories" (llamacpp backend) to the demo
// repository `dir` when its GGUF exists: $STRATO_DEMO_GGUF, else
// ../shared/datasets/llm/stories260K.gguf next to the source tree this
// binary was built from. Returns Ok and adds nothing when it is absent.
Status WriteDemoLlmModel(const std::filesystem::path& dir);

}  // namespace strato::llm
