// A continuous-batching text generation engine over llama.cpp.
//
// One Engine owns one model, one llama context with `slots` sequences, and
// one scheduling thread. Every step the thread:
//   1. drops cancelled requests (their slot is free for this very step),
//   2. moves waiting requests into free slots, preferring the slot whose
//      cached tokens share the longest prefix with the new prompt (the KV
//      entries of that prefix are kept: prefix cache),
//   3. builds one llama batch from one new token per generating sequence
//      plus prompt chunks of the sequences still reading their prompt, up to
//      `batch_size` tokens in all (chunked prefill: a long prompt is spread
//      over several steps, so it never stalls other sequences' tokens),
//   4. decodes, samples, and reports tokens through the request callbacks.
// A request submitted while others run joins at the next step.
//
// Thread-safety: Submit, Tokenize, ApplyChatTemplate and the accessors may be
// called from any thread. Callbacks run on the engine thread; they must be
// quick and must not call back into the engine.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "strato/core/metrics.h"
#include "strato/core/status.h"

struct llama_model;
struct llama_vocab;

namespace strato::llm {

using Token = int32_t;

struct EngineOptions {
  std::filesystem::path model_path;  // a GGUF file
  int slots = 4;                      // sequences decoded together
  int context_per_slot = 0;           // tokens per sequence; 0: the model's training context, at most 4096
  int threads = 0;                    // 0: hardware threads, at most 4
  int batch_size = 512;               // most tokens per decode step (prompt chunks included)
  int max_waiting = 64;               // requests queued beyond the slots; Submit fails with Unavailable past it
  std::string chat_template;          // overrides the GGUF's template; empty: the GGUF's or the fallback
  // Tokens one embedding request may hold over all its inputs; more is
  // refused with INVALID_ARGUMENT before any work (finding 4 of issue 10).
  int max_embedding_tokens = 65536;
  MetricsRegistry* metrics = nullptr;
  Labels metric_labels;               // e.g. {{"model", name}}
};

struct SamplingParams {
  float temperature = 1.0f;  // 0: greedy
  float top_p = 1.0f;
  int top_k = 0;             // 0: off
  float min_p = 0.0f;
  uint32_t seed = 0xFFFFFFFF;  // LLAMA_DEFAULT_SEED: random
  float presence_penalty = 0.0f;
  float frequency_penalty = 0.0f;
  float repetition_penalty = 1.0f;
};

enum class FinishReason { kStop, kLength, kCancelled, kError };
std::string_view FinishReasonName(FinishReason reason);

struct TokenEvent {
  Token token = 0;
  std::string text;       // text released with this token (may be empty: held for a stop string or UTF-8)
  float logprob = 0.0f;   // filled when the request asked for logprobs
  // The most likely tokens at this step (piece text, log-probability), most
  // likely first; filled when the request asked for top_logprobs.
  std::vector<std::pair<std::string, float>> top;
  int index = 0;          // 0-based index of the generated token
};

struct FinishEvent {
  Status status;          // non-OK with kError
  FinishReason reason = FinishReason::kStop;
  std::string text;       // any held-back text released at the end
  int prompt_tokens = 0;
  int completion_tokens = 0;
  int cached_prompt_tokens = 0;  // prompt tokens reused from the prefix cache
};

struct GenerateRequest {
  std::vector<Token> prompt;
  int max_tokens = 16;
  SamplingParams sampling;
  std::vector<std::string> stop;  // generation ends before any of these strings
  bool ignore_eos = false;
  bool logprobs = false;
  int top_logprobs = 0;  // alternatives reported per token (0..20)
  std::shared_ptr<std::atomic<bool>> cancelled;  // may be null
  uint64_t deadline_ns = 0;  // NowNs() value after which the request ends (DeadlineExceeded); 0: none
  std::function<void(const TokenEvent&)> on_token;
  std::function<void(FinishEvent)> on_finish;     // called exactly once per accepted request
};

// A request for sentence embeddings: one vector per input, the mean of the
// model's last hidden states over the input's tokens, L2-normalised (what
// OpenAI's /v1/embeddings returns). Runs on the engine thread between decode
// steps, in a second llama context made on first use.
struct EmbedRequest {
  std::vector<std::vector<Token>> inputs;
  std::shared_ptr<std::atomic<bool>> cancelled;  // may be null
  // Called exactly once per accepted request, on the engine thread.
  std::function<void(StatusOr<std::vector<std::vector<float>>>)> on_done;
};

struct ChatMessage {
  std::string role;
  std::string content;
};

struct EngineCounters {
  int running = 0;
  int waiting = 0;
  double kv_usage = 0.0;  // fraction of the context cells in use
};

class Engine {
 public:
  static StatusOr<std::unique_ptr<Engine>> Create(const EngineOptions& options);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Queues `request`. InvalidArgument when the prompt is empty or does not
  // fit the context (naming both lengths), Unavailable when the waiting
  // queue is full. On success on_finish will be called exactly once.
  Status Submit(GenerateRequest request);

  // Queues `request`. InvalidArgument when an input is empty or longer than
  // the context per sequence; Unavailable when the waiting queue is full.
  // On success on_done will be called exactly once.
  Status SubmitEmbedding(EmbedRequest request);
  // Length of each embedding vector (the model's hidden size).
  int embedding_size() const;

  StatusOr<std::vector<Token>> Tokenize(std::string_view text, bool add_special) const;
  std::string TokenToText(Token token) const;
  // The prompt for `messages`, through the GGUF's chat template (or the
  // configured one); models without one get the documented fallback:
  // "<role>: <content>\n" per message, then "assistant:".
  StatusOr<std::string> ApplyChatTemplate(const std::vector<ChatMessage>& messages) const;
  bool has_chat_template() const { return !chat_template_.empty(); }

  int context_per_slot() const { return context_per_slot_; }
  int slots() const { return slots_; }
  int threads() const { return threads_; }
  EngineCounters Counters() const;
  const llama_model* model() const;

  class Impl;

 private:
  explicit Engine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  std::string chat_template_;
  int context_per_slot_ = 0;
  int slots_ = 0;
  int threads_ = 0;
};

// Loads the llama.cpp CPU backends (once per process) from the folder of the
// prebuilt libraries. Called by Engine::Create; benchmarks that drive
// llama.cpp directly call it too.
void EnsureLlamaBackends();

}  // namespace strato::llm
