#include "strato/llm/engine.h"

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

#include <ggml-backend.h>
#include <llama.h>

#include "strato/core/inference.h"
#include "strato/core/logging.h"
#include "text_filter.h"

namespace strato::llm {
namespace {

struct ModelDeleter {
  void operator()(llama_model* m) const { llama_model_free(m); }
};
struct ContextDeleter {
  void operator()(llama_context* c) const { llama_free(c); }
};
struct SamplerDeleter {
  void operator()(llama_sampler* s) const { llama_sampler_free(s); }
};
using SamplerPtr = std::unique_ptr<llama_sampler, SamplerDeleter>;

// Silences llama.cpp's per-load chatter; warnings and errors still reach stderr.
void QuietLog(ggml_log_level level, const char* text, void*) {
  if (level == GGML_LOG_LEVEL_ERROR || level == GGML_LOG_LEVEL_WARN) std::fputs(text, stderr);
}

SamplerPtr MakeSampler(const SamplingParams& p, int n_vocab) {
  auto params = llama_sampler_chain_default_params();
  params.no_perf = true;
  SamplerPtr chain(llama_sampler_chain_init(params));
  if (p.presence_penalty != 0.0f || p.frequency_penalty != 0.0f || p.repetition_penalty != 1.0f) {
    llama_sampler_chain_add(chain.get(), llama_sampler_init_penalties(n_vocab, 64, p.repetition_penalty,
                                                                      p.frequency_penalty, p.presence_penalty));
  }
  if (p.temperature <= 0.0f) {
    llama_sampler_chain_add(chain.get(), llama_sampler_init_greedy());
    return chain;
  }
  if (p.top_k > 0) llama_sampler_chain_add(chain.get(), llama_sampler_init_top_k(p.top_k));
  if (p.top_p < 1.0f) llama_sampler_chain_add(chain.get(), llama_sampler_init_top_p(p.top_p, 1));
  if (p.min_p > 0.0f) llama_sampler_chain_add(chain.get(), llama_sampler_init_min_p(p.min_p, 1));
  llama_sampler_chain_add(chain.get(), llama_sampler_init_temp(p.temperature));
  llama_sampler_chain_add(chain.get(), llama_sampler_init_dist(p.seed));
  return chain;
}

// log softmax of the logits, evaluated per token: logprob(t) = logits[t] - norm.
struct LogSoftmax {
  LogSoftmax(const float* logits, int n_vocab) : logits(logits), n_vocab(n_vocab) {
    float max = logits[0];
    for (int i = 1; i < n_vocab; ++i) max = std::max(max, logits[i]);
    double sum = 0.0;
    for (int i = 0; i < n_vocab; ++i) sum += std::exp(static_cast<double>(logits[i] - max));
    norm = static_cast<double>(max) + std::log(sum);
  }
  float At(Token token) const { return static_cast<float>(logits[token] - norm); }
  // The `n` most likely tokens, most likely first.
  std::vector<Token> Top(int n) const {
    std::vector<Token> ids(static_cast<size_t>(n_vocab));
    for (int i = 0; i < n_vocab; ++i) ids[static_cast<size_t>(i)] = i;
    n = std::min(n, n_vocab);
    auto more_likely = [&](Token a, Token b) { return logits[a] > logits[b] || (logits[a] == logits[b] && a < b); };
    std::partial_sort(ids.begin(), ids.begin() + n, ids.end(), more_likely);
    ids.resize(static_cast<size_t>(n));
    return ids;
  }
  const float* logits;
  int n_vocab;
  double norm = 0.0;
};

std::vector<double> TokenLatencyBucketsUs() {
  return {100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000, 1e6, 2.5e6, 1e7};
}

}  // namespace

std::string_view FinishReasonName(FinishReason reason) {
  switch (reason) {
    case FinishReason::kStop: return "stop";
    case FinishReason::kLength: return "length";
    case FinishReason::kCancelled: return "cancelled";
    case FinishReason::kError: return "error";
  }
  return "stop";
}

void EnsureLlamaBackends() {
  static std::once_flag once;
  std::call_once(once, [] {
    llama_log_set(QuietLog, nullptr);
    const char* dir = std::getenv("STRATO_LLAMA_LIB_DIR");
#ifdef STRATO_LLAMA_LIB_DIR
    if (dir == nullptr) dir = STRATO_LLAMA_LIB_DIR;
#endif
    if (dir != nullptr) {
      ggml_backend_load_all_from_path(dir);
    } else {
      ggml_backend_load_all();
    }
    llama_backend_init();
  });
}

// One sequence of the batch.
struct Slot {
  int id = 0;
  std::vector<Token> cached;  // tokens whose KV entries sit in sequence `id`
  std::optional<GenerateRequest> request;
  SamplerPtr sampler;
  std::optional<TextFilter> filter;
  size_t prompt_done = 0;     // prompt tokens already in the KV cache
  Token next = -1;            // sampled token still to be fed back
  int generated = 0;
  int cached_prompt = 0;
  int batch_index = -1;       // index of this slot's logits in the current batch
  uint64_t last_token_ns = 0;
  uint64_t start_ns = 0;
};

class Engine::Impl {
 public:
  Impl(const EngineOptions& options, llama_model* model, llama_context* ctx, int per_slot)
      : options_(options), model_(model), ctx_(ctx), vocab_(llama_model_get_vocab(model)),
        n_vocab_(llama_vocab_n_tokens(vocab_)), per_slot_(per_slot),
        batch_(llama_batch_init(options.batch_size + options.slots, 0, 1)) {
    slots_.resize(static_cast<size_t>(options.slots));
    for (int i = 0; i < options.slots; ++i) slots_[static_cast<size_t>(i)].id = i;
    if (options.metrics != nullptr) {
      auto* m = options.metrics;
      const Labels& l = options.metric_labels;
      ttft_ = m->GetHistogram("strato_llm_time_to_first_token_us", "Time from submission to the first generated token, in microseconds.", l, TokenLatencyBucketsUs());
      itl_ = m->GetHistogram("strato_llm_inter_token_latency_us", "Time between consecutive generated tokens of a sequence, in microseconds.", l, TokenLatencyBucketsUs());
      prompt_tokens_ = m->GetCounter("strato_llm_prompt_tokens_total", "Prompt tokens processed (prefix-cache hits included).", l);
      generated_tokens_ = m->GetCounter("strato_llm_generated_tokens_total", "Tokens generated.", l);
      prefix_hits_ = m->GetCounter("strato_llm_prefix_cache_hit_tokens_total", "Prompt tokens reused from the prefix cache.", l);
      prefix_hit_requests_ = m->GetCounter("strato_llm_prefix_cache_hits_total", "Requests that reused at least one cached prompt token.", l);
      running_ = m->GetGauge("strato_llm_requests_running", "Requests holding a sequence slot.", l);
      waiting_ = m->GetGauge("strato_llm_requests_waiting", "Requests waiting for a sequence slot.", l);
      kv_usage_ = m->GetGauge("strato_llm_kv_cache_usage_ratio", "Fraction of KV cache cells holding tokens.", l);
    }
    thread_ = std::thread([this] { Loop(); });
  }

  ~Impl() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
    // Finish what is left so that every accepted request hears back once.
    for (auto& slot : slots_) {
      if (slot.request) Finish(slot, FinishReason::kCancelled, UnavailableError("the model is unloading"));
    }
    for (auto& r : embed_queue_) {
      if (r.on_done) r.on_done(UnavailableError("the model is unloading"));
    }
    for (auto& job : embed_running_) {
      if (job.request.on_done) job.request.on_done(UnavailableError("the model is unloading"));
    }
    for (auto& r : waiting_queue_) {
      FinishEvent e;
      e.reason = FinishReason::kError;
      e.status = UnavailableError("the model is unloading");
      if (r.on_finish) r.on_finish(std::move(e));
    }
    if (running_ != nullptr) running_->Set(0);
    if (waiting_ != nullptr) waiting_->Set(0);
    llama_batch_free(batch_);
    if (embed_batch_) llama_batch_free(*embed_batch_);
  }

  Status SubmitEmbedding(EmbedRequest request) {
    if (request.inputs.empty()) return InvalidArgumentError("there is no input to embed");
    size_t total = 0;
    for (const auto& input : request.inputs) total += input.size();
    if (total > static_cast<size_t>(options_.max_embedding_tokens)) {
      return InvalidArgumentError("the inputs hold " + std::to_string(total) +
                                  " tokens; at most " +
                                  std::to_string(options_.max_embedding_tokens) +
                                  " per embedding request (parameter max_embedding_tokens)");
    }
    for (size_t i = 0; i < request.inputs.size(); ++i) {
      const size_t n = request.inputs[i].size();
      if (n == 0) return InvalidArgumentError("input " + std::to_string(i) + " is empty");
      if (static_cast<int>(n) > per_slot_) {
        return InvalidArgumentError("input " + std::to_string(i) + " has " + std::to_string(n) +
                                    " tokens but the context holds " + std::to_string(per_slot_) +
                                    " tokens per sequence");
      }
    }
    {
      std::lock_guard lock(mu_);
      if (static_cast<int>(embed_queue_.size()) >= options_.max_waiting + options_.slots) {
        return UnavailableError("the model's embedding queue is full (" +
                                std::to_string(options_.max_waiting + options_.slots) +
                                " requests); retry later or raise the max_waiting parameter");
      }
      embed_queue_.push_back(std::move(request));
    }
    cv_.notify_one();
    return Status::Ok();
  }

  Status Submit(GenerateRequest request) {
    if (request.prompt.empty()) return InvalidArgumentError("the prompt is empty");
    if (static_cast<int>(request.prompt.size()) >= per_slot_) {
      return InvalidArgumentError("the prompt has " + std::to_string(request.prompt.size()) +
                                     " tokens but the context holds " + std::to_string(per_slot_) +
                                     " tokens per sequence (prompt plus at least one generated token)");
    }
    if (request.max_tokens < 0) return InvalidArgumentError("max_tokens must not be negative");
    if (request.top_logprobs < 0 || request.top_logprobs > 20) return InvalidArgumentError("top_logprobs must be between 0 and 20");
    {
      std::lock_guard lock(mu_);
      // Room: every slot busy or promised, plus max_waiting queued.
      if (static_cast<int>(waiting_queue_.size()) + counters_.running >= options_.slots + options_.max_waiting) {
        return UnavailableError("the model's waiting queue is full (" + std::to_string(options_.max_waiting) +
                                   " requests); retry later or raise the max_waiting parameter");
      }
      waiting_queue_.push_back(std::move(request));
      if (waiting_ != nullptr) waiting_->Set(static_cast<double>(waiting_queue_.size()));
    }
    cv_.notify_one();
    return Status::Ok();
  }

  EngineCounters Counters() const {
    std::lock_guard lock(mu_);
    return counters_;
  }

  llama_model* model() const { return model_.get(); }
  const llama_vocab* vocab() const { return vocab_; }

 private:
  void Loop() {
    for (;;) {
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] {
          return stop_ || active_ > 0 || !waiting_queue_.empty() || !embed_queue_.empty() ||
                 !embed_running_.empty();
        });
        if (stop_) return;
        AdmitLocked();
        for (auto& r : embed_queue_) embed_running_.push_back(EmbedJob{std::move(r), 0, {}});
        embed_queue_.clear();
      }
      // Embeddings take their turn between decode steps, a bounded chunk
      // at a time: a large request delays the running sequences' next token
      // by one chunk, and a cancel or shutdown is seen between chunks.
      RunEmbeddingChunk();
      DropCancelled();
      Step();
      PublishCounters();
    }
  }

  // Moves waiting requests into free slots (caller holds mu_).
  void AdmitLocked() {
    while (!waiting_queue_.empty()) {
      GenerateRequest& next = waiting_queue_.front();
      if (next.cancelled && next.cancelled->load(std::memory_order_relaxed)) {
        FinishEvent e;
        e.reason = FinishReason::kCancelled;
        e.prompt_tokens = static_cast<int>(next.prompt.size());
        if (next.on_finish) next.on_finish(std::move(e));
        waiting_queue_.pop_front();
        continue;
      }
      Slot* best = nullptr;
      size_t best_common = 0;
      for (auto& slot : slots_) {
        if (slot.request) continue;
        size_t common = 0;
        const size_t limit = std::min(slot.cached.size(), next.prompt.size());
        while (common < limit && slot.cached[common] == next.prompt[common]) ++common;
        if (best == nullptr || common > best_common) {
          best = &slot;
          best_common = common;
        }
      }
      if (best == nullptr) break;
      Assign(*best, std::move(next), best_common);
      waiting_queue_.pop_front();
    }
    if (waiting_ != nullptr) waiting_->Set(static_cast<double>(waiting_queue_.size()));
    counters_.running = active_;
    counters_.waiting = static_cast<int>(waiting_queue_.size());
  }

  void Assign(Slot& slot, GenerateRequest request, size_t common) {
    // At least the last prompt token must be decoded again to get logits.
    common = std::min(common, request.prompt.size() - 1);
    llama_memory_t mem = llama_get_memory(ctx_.get());
    if (!llama_memory_seq_rm(mem, slot.id, static_cast<llama_pos>(common), -1)) {
      llama_memory_seq_rm(mem, slot.id, -1, -1);
      common = 0;
    }
    slot.cached.resize(common);
    slot.prompt_done = common;
    slot.cached_prompt = static_cast<int>(common);
    slot.sampler = MakeSampler(request.sampling, n_vocab_);
    slot.filter.emplace(request.stop);
    slot.next = -1;
    slot.generated = 0;
    slot.start_ns = NowNs();
    slot.last_token_ns = 0;
    if (prompt_tokens_ != nullptr) prompt_tokens_->Increment(static_cast<double>(request.prompt.size()));
    if (common > 0) {
      if (prefix_hits_ != nullptr) prefix_hits_->Increment(static_cast<double>(common));
      if (prefix_hit_requests_ != nullptr) prefix_hit_requests_->Increment();
    }
    slot.request.emplace(std::move(request));
    ++active_;
  }

  void DropCancelled() {
    uint64_t now = 0;
    for (auto& slot : slots_) {
      if (!slot.request) continue;
      if (slot.request->cancelled && slot.request->cancelled->load(std::memory_order_relaxed)) {
        Finish(slot, FinishReason::kCancelled, Status::Ok());
      } else if (slot.request->deadline_ns != 0) {
        if (now == 0) now = NowNs();
        if (now > slot.request->deadline_ns) {
          Finish(slot, FinishReason::kError, DeadlineExceededError("the request's deadline passed after " +
                                                                   std::to_string(slot.generated) + " generated tokens"));
        }
      }
    }
  }

  void Finish(Slot& slot, FinishReason reason, Status status) {
    FinishEvent e;
    e.reason = reason;
    e.status = std::move(status);
    e.prompt_tokens = static_cast<int>(slot.request->prompt.size());
    e.completion_tokens = slot.generated;
    e.cached_prompt_tokens = slot.cached_prompt;
    if (reason != FinishReason::kCancelled && reason != FinishReason::kError) e.text = slot.filter->Flush();
    auto on_finish = std::move(slot.request->on_finish);
    slot.request.reset();
    slot.sampler.reset();
    slot.filter.reset();
    --active_;
    {
      // Published before the callback, so a client that sees its answer
      // also sees its slot free.
      std::lock_guard lock(mu_);
      counters_.running = active_;
      if (running_ != nullptr) running_->Set(active_);
    }
    if (on_finish) on_finish(std::move(e));
  }

  void Step() {
    batch_.n_tokens = 0;
    auto add = [&](Token token, llama_pos pos, int seq, bool logits) {
      const int i = batch_.n_tokens++;
      batch_.token[i] = token;
      batch_.pos[i] = pos;
      batch_.n_seq_id[i] = 1;
      batch_.seq_id[i][0] = seq;
      batch_.logits[i] = logits ? 1 : 0;
      return i;
    };
    // Generating sequences first: one token each, so they never wait on prompts.
    for (auto& slot : slots_) {
      slot.batch_index = -1;
      if (!slot.request || slot.next < 0) continue;
      slot.batch_index = add(slot.next, static_cast<llama_pos>(slot.cached.size()), slot.id, true);
      slot.cached.push_back(slot.next);
      slot.next = -1;
    }
    int budget = options_.batch_size;
    for (auto& slot : slots_) {
      if (!slot.request || slot.batch_index >= 0) continue;
      const auto& prompt = slot.request->prompt;
      while (slot.prompt_done < prompt.size() && budget > 0) {
        const bool last = slot.prompt_done + 1 == prompt.size();
        const int i = add(prompt[slot.prompt_done], static_cast<llama_pos>(slot.prompt_done), slot.id, last);
        if (last) slot.batch_index = i;
        slot.cached.push_back(prompt[slot.prompt_done]);
        ++slot.prompt_done;
        --budget;
      }
    }
    if (batch_.n_tokens == 0) return;
    const int rc = llama_decode(ctx_.get(), batch_);
    if (rc != 0) {
      LogError("llama_decode failed", {{"code", std::to_string(rc)}});
      for (auto& slot : slots_) {
        if (!slot.request) continue;
        // Throw away what this sequence holds: its cache no longer matches `cached`.
        llama_memory_seq_rm(llama_get_memory(ctx_.get()), slot.id, -1, -1);
        slot.cached.clear();
        Finish(slot, FinishReason::kError, InternalError("llama_decode failed with code " + std::to_string(rc)));
      }
      return;
    }
    const uint64_t now = NowNs();
    for (auto& slot : slots_) {
      if (!slot.request || slot.batch_index < 0) continue;
      Sample(slot, now);
    }
  }

  void Sample(Slot& slot, uint64_t now) {
    GenerateRequest& r = *slot.request;
    if (r.max_tokens == 0) {
      Finish(slot, FinishReason::kLength, Status::Ok());
      return;
    }
    const Token token = llama_sampler_sample(slot.sampler.get(), ctx_.get(), slot.batch_index);
    const bool eog = llama_vocab_is_eog(vocab_, token) && !r.ignore_eos;
    if (eog) {
      Finish(slot, FinishReason::kStop, Status::Ok());
      return;
    }
    TokenEvent event;
    event.token = token;
    event.index = slot.generated++;
    if (r.logprobs || r.top_logprobs > 0) {
      const LogSoftmax soft(llama_get_logits_ith(ctx_.get(), slot.batch_index), n_vocab_);
      event.logprob = soft.At(token);
      if (r.top_logprobs > 0) {
        for (Token t : soft.Top(r.top_logprobs)) event.top.emplace_back(PieceOf(t), soft.At(t));
      }
    }
    event.text = slot.filter->Push(PieceOf(token));
    if (generated_tokens_ != nullptr) generated_tokens_->Increment();
    if (slot.last_token_ns == 0) {
      if (ttft_ != nullptr) ttft_->Observe(static_cast<double>(now - slot.start_ns) / 1000.0);
    } else if (itl_ != nullptr) {
      itl_->Observe(static_cast<double>(now - slot.last_token_ns) / 1000.0);
    }
    slot.last_token_ns = now;
    if (r.on_token) r.on_token(event);
    if (slot.filter->stopped()) {
      Finish(slot, FinishReason::kStop, Status::Ok());
    } else if (slot.generated >= r.max_tokens || static_cast<int>(slot.cached.size()) + 1 >= per_slot_) {
      Finish(slot, FinishReason::kLength, Status::Ok());
    } else {
      slot.next = token;
    }
  }

  // The embedding context: mean pooling, one sequence of up to per_slot_
  // tokens decoded in a single micro-batch (non-causal models need that).
  Status EnsureEmbedContext() {
    if (embed_ctx_) return Status::Ok();
    auto cparams = llama_context_default_params();
    cparams.n_ctx = static_cast<uint32_t>(per_slot_);
    cparams.n_batch = static_cast<uint32_t>(per_slot_);
    cparams.n_ubatch = static_cast<uint32_t>(per_slot_);
    cparams.n_seq_max = 1;
    cparams.n_threads = llama_n_threads(ctx_.get());
    cparams.n_threads_batch = llama_n_threads_batch(ctx_.get());
    cparams.embeddings = true;
    cparams.pooling_type = LLAMA_POOLING_TYPE_MEAN;
    cparams.no_perf = true;
    embed_ctx_.reset(llama_init_from_model(model_.get(), cparams));
    if (!embed_ctx_) return ResourceExhaustedError("llama.cpp could not create an embedding context of " + std::to_string(per_slot_) + " tokens");
    embed_batch_ = llama_batch_init(per_slot_, 0, 1);
    return Status::Ok();
  }

  StatusOr<std::vector<float>> EmbedOne(const std::vector<Token>& tokens) {
    llama_memory_clear(llama_get_memory(embed_ctx_.get()), true);
    llama_batch& batch = *embed_batch_;
    batch.n_tokens = 0;
    for (size_t i = 0; i < tokens.size(); ++i) {
      batch.token[i] = tokens[i];
      batch.pos[i] = static_cast<llama_pos>(i);
      batch.n_seq_id[i] = 1;
      batch.seq_id[i][0] = 0;
      batch.logits[i] = 1;
      ++batch.n_tokens;
    }
    const bool encoder_only = llama_model_has_encoder(model_.get()) && !llama_model_has_decoder(model_.get());
    const int rc = encoder_only ? llama_encode(embed_ctx_.get(), batch) : llama_decode(embed_ctx_.get(), batch);
    if (rc != 0) return InternalError("llama.cpp failed to compute the embedding (code " + std::to_string(rc) + ")");
    const float* pooled = llama_get_embeddings_seq(embed_ctx_.get(), 0);
    if (pooled == nullptr) return InternalError("llama.cpp returned no pooled embedding");
    const int n = llama_model_n_embd(model_.get());
    std::vector<float> out(pooled, pooled + n);
    double norm = 0.0;
    for (float v : out) norm += static_cast<double>(v) * v;
    if (norm > 0.0) {
      const float inv = static_cast<float>(1.0 / std::sqrt(norm));
      for (float& v : out) v *= inv;
    }
    return out;
  }

  // Embeds up to kEmbedChunkTokens tokens (at least one input) of the
  // first running job, then answers it or moves it to the back (jobs take
  // turns). A cancelled job is answered CANCELLED at its next turn.
  void RunEmbeddingChunk() {
    if (embed_running_.empty()) return;
    EmbedJob job = std::move(embed_running_.front());
    embed_running_.pop_front();
    auto& done = job.request.on_done;
    if (!done) return;
    const auto& cancelled = job.request.cancelled;
    if (cancelled && cancelled->load(std::memory_order_relaxed)) {
      done(CancelledError("the request was cancelled"));
      return;
    }
    if (Status s = EnsureEmbedContext(); !s.ok()) {
      done(s);
      return;
    }
    const auto& inputs = job.request.inputs;
    job.vectors.reserve(inputs.size());
    size_t spent = 0;
    while (job.next < inputs.size() && (spent == 0 || spent + inputs[job.next].size() <= kEmbedChunkTokens)) {
      const auto& tokens = inputs[job.next];
      auto v = EmbedOne(tokens);
      if (!v.ok()) {
        done(v.status());
        return;
      }
      job.vectors.push_back(std::move(v).value());
      if (prompt_tokens_ != nullptr) prompt_tokens_->Increment(static_cast<double>(tokens.size()));
      spent += tokens.size();
      ++job.next;
    }
    if (job.next == inputs.size()) {
      done(std::move(job.vectors));
      return;
    }
    embed_running_.push_back(std::move(job));
  }

  std::string PieceOf(Token token) const {
    char buf[256];
    const int n = llama_token_to_piece(vocab_, token, buf, sizeof(buf), 0, false);
    if (n < 0) {
      std::string big(static_cast<size_t>(-n), '\0');
      const int m = llama_token_to_piece(vocab_, token, big.data(), -n, 0, false);
      big.resize(static_cast<size_t>(std::max(m, 0)));
      return big;
    }
    return std::string(buf, static_cast<size_t>(n));
  }

  void PublishCounters() {
    size_t used = 0;
    for (const auto& slot : slots_) used += slot.cached.size();
    const double usage = static_cast<double>(used) / static_cast<double>(per_slot_ * options_.slots);
    std::lock_guard lock(mu_);
    counters_.running = active_;
    counters_.waiting = static_cast<int>(waiting_queue_.size());
    counters_.kv_usage = usage;
    if (running_ != nullptr) running_->Set(active_);
    if (kv_usage_ != nullptr) kv_usage_->Set(usage);
  }

  const EngineOptions options_;
  std::unique_ptr<llama_model, ModelDeleter> model_;
  std::unique_ptr<llama_context, ContextDeleter> ctx_;
  const llama_vocab* vocab_;
  const int n_vocab_;
  const int per_slot_;
  llama_batch batch_;
  std::vector<Slot> slots_;  // touched by the engine thread only
  int active_ = 0;           // slots holding a request (engine thread)

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<GenerateRequest> waiting_queue_;  // guarded by mu_
  std::deque<EmbedRequest> embed_queue_;       // guarded by mu_
  // An embedding request being worked on: inputs done so far.
  struct EmbedJob {
    EmbedRequest request;
    size_t next = 0;
    std::vector<std::vector<float>> vectors;
  };
  // Tokens embedded per engine loop turn before decode steps run again.
  static constexpr size_t kEmbedChunkTokens = 2048;
  std::deque<EmbedJob> embed_running_;  // engine thread (and the destructor after the join)
  std::unique_ptr<llama_context, ContextDeleter> embed_ctx_;  // engine thread; made on first use
  std::optional<llama_batch> embed_batch_;                    // engine thread
  EngineCounters counters_;                    // guarded by mu_
  bool stop_ = false;                          // guarded by mu_

  Histogram* ttft_ = nullptr;
  Histogram* itl_ = nullptr;
  Counter* prompt_tokens_ = nullptr;
  Counter* generated_tokens_ = nullptr;
  Counter* prefix_hits_ = nullptr;
  Counter* prefix_hit_requests_ = nullptr;
  Gauge* running_ = nullptr;
  Gauge* waiting_ = nullptr;
  Gauge* kv_usage_ = nullptr;

  std::thread thread_;  // last: starts after every member above exists
};

StatusOr<std::unique_ptr<Engine>> Engine::Create(const EngineOptions& options) {
  if (options.slots < 1 || options.slots > 256) return InvalidArgumentError("slots must be between 1 and 256");
  if (options.batch_size < 1) return InvalidArgumentError("batch_size must be positive");
  if (options.max_waiting < 0) return InvalidArgumentError("max_waiting must not be negative");
  std::error_code ec;
  if (!std::filesystem::is_regular_file(options.model_path, ec)) {
    return NotFoundError("GGUF file '" + options.model_path.string() + "' does not exist");
  }
  EnsureLlamaBackends();
  auto mparams = llama_model_default_params();
  std::unique_ptr<llama_model, ModelDeleter> model(llama_model_load_from_file(options.model_path.c_str(), mparams));
  if (!model) return InvalidArgumentError("llama.cpp could not load '" + options.model_path.string() + "' as a GGUF model");
  int per_slot = options.context_per_slot;
  if (per_slot <= 0) per_slot = std::min(llama_model_n_ctx_train(model.get()), 4096);
  if (per_slot < 8) return InvalidArgumentError("context_per_slot must be at least 8 tokens");
  int threads = options.threads;
  if (threads <= 0) threads = static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 4u));
  auto cparams = llama_context_default_params();
  cparams.n_ctx = static_cast<uint32_t>(per_slot * options.slots);
  cparams.n_batch = static_cast<uint32_t>(options.batch_size + options.slots);
  cparams.n_ubatch = cparams.n_batch;
  cparams.n_seq_max = static_cast<uint32_t>(options.slots);
  cparams.n_threads = threads;
  cparams.n_threads_batch = threads;
  cparams.kv_unified = true;
  cparams.no_perf = true;
  std::unique_ptr<llama_context, ContextDeleter> ctx(llama_init_from_model(model.get(), cparams));
  if (!ctx) return ResourceExhaustedError("llama.cpp could not create a context of " + std::to_string(cparams.n_ctx) + " tokens");

  std::string tmpl = options.chat_template;
  if (tmpl.empty()) {
    if (const char* t = llama_model_chat_template(model.get(), nullptr)) tmpl = t;
  }
  auto impl = std::make_unique<Impl>(options, model.release(), ctx.release(), per_slot);
  std::unique_ptr<Engine> engine(new Engine(std::move(impl)));
  engine->chat_template_ = std::move(tmpl);
  engine->context_per_slot_ = per_slot;
  engine->slots_ = options.slots;
  engine->threads_ = threads;
  return engine;
}

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Engine::~Engine() = default;

Status Engine::Submit(GenerateRequest request) { return impl_->Submit(std::move(request)); }
Status Engine::SubmitEmbedding(EmbedRequest request) { return impl_->SubmitEmbedding(std::move(request)); }
int Engine::embedding_size() const { return llama_model_n_embd(impl_->model()); }
EngineCounters Engine::Counters() const { return impl_->Counters(); }
const llama_model* Engine::model() const { return impl_->model(); }

StatusOr<std::vector<Token>> Engine::Tokenize(std::string_view text, bool add_special) const {
  std::vector<Token> tokens(text.size() + 8);
  int n = llama_tokenize(impl_->vocab(), text.data(), static_cast<int32_t>(text.size()), tokens.data(),
                         static_cast<int32_t>(tokens.size()), add_special, /*parse_special=*/true);
  if (n < 0) {
    tokens.resize(static_cast<size_t>(-n));
    n = llama_tokenize(impl_->vocab(), text.data(), static_cast<int32_t>(text.size()), tokens.data(),
                       static_cast<int32_t>(tokens.size()), add_special, true);
  }
  if (n < 0) return InvalidArgumentError("the text could not be tokenized");
  tokens.resize(static_cast<size_t>(n));
  return tokens;
}

std::string Engine::TokenToText(Token token) const {
  char buf[256];
  const int n = llama_token_to_piece(impl_->vocab(), token, buf, sizeof(buf), 0, false);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

StatusOr<std::string> Engine::ApplyChatTemplate(const std::vector<ChatMessage>& messages) const {
  if (chat_template_.empty()) {
    // Documented fallback for models without a template (docs/llm.md).
    std::string prompt;
    for (const auto& m : messages) prompt += m.role + ": " + m.content + "\n";
    prompt += "assistant:";
    return prompt;
  }
  std::vector<llama_chat_message> chat;
  chat.reserve(messages.size());
  size_t total = 0;
  for (const auto& m : messages) {
    chat.push_back({m.role.c_str(), m.content.c_str()});
    total += m.role.size() + m.content.size();
  }
  std::string out(total * 2 + 256, '\0');
  int n = llama_chat_apply_template(chat_template_.c_str(), chat.data(), chat.size(), true, out.data(),
                                    static_cast<int32_t>(out.size()));
  if (n > static_cast<int>(out.size())) {
    out.resize(static_cast<size_t>(n));
    n = llama_chat_apply_template(chat_template_.c_str(), chat.data(), chat.size(), true, out.data(),
                                  static_cast<int32_t>(out.size()));
  }
  if (n < 0) {
    return FailedPreconditionError(
        "the model's chat template is not one llama.cpp knows; set the model config parameter "
        "chat_template to a supported template name (e.g. chatml) or use /v1/completions");
  }
  out.resize(static_cast<size_t>(n));
  return out;
}

}  // namespace strato::llm
