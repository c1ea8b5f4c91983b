// The engine against llama.cpp called directly, on the real stories260K GGUF
// from ../shared (skipped when absent).
#include "strato/llm/engine.h"
#include "strato/core/inference.h"

#include <gtest/gtest.h>
#include <llama.h>

#include <condition_variable>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <mutex>

namespace strato::llm {
namespace {

std::filesystem::path ModelPath() {
  const char* src = std::getenv("STRATO_SOURCE_DIR");
  std::filesystem::path root = src != nullptr ? src : ".";
  return root / ".." / "shared" / "datasets" / "llm" / "stories260K.gguf";
}

// Collects one request's events and lets the test wait for the end.
struct Collector {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<Token> tokens;
  std::string text;
  std::optional<FinishEvent> finish;

  GenerateRequest Wire(GenerateRequest r) {
    r.on_token = [this](const TokenEvent& e) {
      std::lock_guard lock(mu);
      tokens.push_back(e.token);
      text += e.text;
    };
    r.on_finish = [this](FinishEvent e) {
      std::lock_guard lock(mu);
      text += e.text;
      finish = std::move(e);
      cv.notify_all();
    };
    return r;
  }
  void Wait() {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return finish.has_value(); });
  }
};

// Greedy decoding with llama.cpp alone: one sequence, one token per decode.
std::vector<Token> DirectGreedy(const std::vector<Token>& prompt, int n) {
  EnsureLlamaBackends();
  llama_model* model = llama_model_load_from_file(ModelPath().c_str(), llama_model_default_params());
  auto cp = llama_context_default_params();
  cp.n_ctx = 512;
  cp.n_threads = 1;
  cp.n_threads_batch = 1;
  llama_context* ctx = llama_init_from_model(model, cp);
  const llama_vocab* vocab = llama_model_get_vocab(model);
  llama_sampler* greedy = llama_sampler_init_greedy();
  std::vector<Token> out;
  std::vector<Token> feed = prompt;
  for (int i = 0; i < n; ++i) {
    if (llama_decode(ctx, llama_batch_get_one(feed.data(), static_cast<int32_t>(feed.size()))) != 0) break;
    const Token t = llama_sampler_sample(greedy, ctx, -1);
    if (llama_vocab_is_eog(vocab, t)) break;
    out.push_back(t);
    feed = {t};
  }
  llama_sampler_free(greedy);
  llama_free(ctx);
  llama_model_free(model);
  return out;
}

// Mean-pooled embedding with llama.cpp alone, L2-normalised here.
std::vector<float> DirectEmbedding(const std::vector<Token>& tokens) {
  EnsureLlamaBackends();
  llama_model* model = llama_model_load_from_file(ModelPath().c_str(), llama_model_default_params());
  auto cp = llama_context_default_params();
  cp.n_ctx = 512;
  cp.n_batch = 512;
  cp.n_ubatch = 512;
  cp.n_threads = 1;
  cp.n_threads_batch = 1;
  cp.embeddings = true;
  cp.pooling_type = LLAMA_POOLING_TYPE_MEAN;
  llama_context* ctx = llama_init_from_model(model, cp);
  std::vector<Token> copy = tokens;
  llama_batch batch = llama_batch_get_one(copy.data(), static_cast<int32_t>(copy.size()));
  std::vector<float> out;
  if (llama_decode(ctx, batch) == 0) {
    const float* e = llama_get_embeddings_seq(ctx, 0);
    if (e != nullptr) out.assign(e, e + llama_model_n_embd(model));
  }
  double norm = 0;
  for (float v : out) norm += static_cast<double>(v) * v;
  for (float& v : out) v = static_cast<float>(v / std::sqrt(norm));
  llama_free(ctx);
  llama_model_free(model);
  return out;
}

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(ModelPath())) GTEST_SKIP() << "no test model at " << ModelPath();
  }
  std::unique_ptr<Engine> Make(int slots, int max_waiting = 64) {
    EngineOptions o;
    o.model_path = ModelPath();
    o.slots = slots;
    o.context_per_slot = 512;
    o.threads = 1;
    o.batch_size = 64;  // small: long prompts are chunked over several steps
    o.max_waiting = max_waiting;
    auto e = Engine::Create(o);
    EXPECT_TRUE(e.ok()) << e.status().message();
    return e.ok() ? std::move(e).value() : nullptr;
  }
  static GenerateRequest Greedy(std::vector<Token> prompt, int max_tokens) {
    GenerateRequest r;
    r.prompt = std::move(prompt);
    r.max_tokens = max_tokens;
    r.sampling.temperature = 0;
    return r;
  }
};

TEST_F(EngineTest, GreedyEqualsLibraryTokenForToken) {
  auto engine = Make(4);
  ASSERT_NE(engine, nullptr);
  auto prompt = engine->Tokenize("Once upon a time, there was a little girl named Lily.", true);
  ASSERT_TRUE(prompt.ok());
  const std::vector<Token> expected = DirectGreedy(*prompt, 64);
  ASSERT_GT(expected.size(), 10u);
  // Run it with busy neighbours: batching must not change a sequence's tokens.
  Collector mine, other1, other2;
  auto other_prompt = engine->Tokenize("The dog ran", true);
  ASSERT_TRUE(engine->Submit(other1.Wire(Greedy(*other_prompt, 50))).ok());
  ASSERT_TRUE(engine->Submit(mine.Wire(Greedy(*prompt, 64))).ok());
  ASSERT_TRUE(engine->Submit(other2.Wire(Greedy(*other_prompt, 30))).ok());
  mine.Wait();
  other1.Wait();
  other2.Wait();
  EXPECT_EQ(mine.tokens, expected);
  EXPECT_EQ(other1.tokens.size(), 50u);
  // Same prompt twice: the second reuses the first's KV (prefix cache) and still matches.
  Collector again;
  ASSERT_TRUE(engine->Submit(again.Wire(Greedy(*prompt, 64))).ok());
  again.Wait();
  EXPECT_EQ(again.tokens, expected);
  EXPECT_GT(again.finish->cached_prompt_tokens, 0);
}

TEST_F(EngineTest, SixteenConcurrentSequencesGetTheirTokenCounts) {
  auto engine = Make(8);
  ASSERT_NE(engine, nullptr);
  std::vector<std::unique_ptr<Collector>> c;
  for (int i = 0; i < 16; ++i) {
    c.push_back(std::make_unique<Collector>());
    std::string text = "Tom had a ball number " + std::to_string(i) + ".";
    for (int k = 0; k < i; ++k) text += " He liked to play.";  // different prompt lengths, some chunked
    auto prompt = engine->Tokenize(text, true);
    ASSERT_TRUE(prompt.ok());
    GenerateRequest r = Greedy(*prompt, 5 + 7 * i);
    r.ignore_eos = true;
    ASSERT_TRUE(engine->Submit(c.back()->Wire(std::move(r))).ok());
  }
  for (int i = 0; i < 16; ++i) {
    c[static_cast<size_t>(i)]->Wait();
    EXPECT_EQ(c[static_cast<size_t>(i)]->tokens.size(), static_cast<size_t>(5 + 7 * i)) << "sequence " << i;
    EXPECT_EQ(c[static_cast<size_t>(i)]->finish->reason, FinishReason::kLength);
    EXPECT_EQ(c[static_cast<size_t>(i)]->finish->completion_tokens, 5 + 7 * i);
  }
  EXPECT_EQ(engine->Counters().running, 0);
}

TEST_F(EngineTest, CancellationFreesSlots) {
  auto engine = Make(2);
  ASSERT_NE(engine, nullptr);
  auto prompt = engine->Tokenize("Once upon a time", true);
  std::vector<std::unique_ptr<Collector>> c;
  std::vector<std::shared_ptr<std::atomic<bool>>> flags;
  for (int i = 0; i < 4; ++i) {
    c.push_back(std::make_unique<Collector>());
    GenerateRequest r = Greedy(*prompt, 400);
    r.ignore_eos = true;
    flags.push_back(std::make_shared<std::atomic<bool>>(false));
    r.cancelled = flags.back();
    ASSERT_TRUE(engine->Submit(c.back()->Wire(std::move(r))).ok());
  }
  for (auto& f : flags) f->store(true);
  for (auto& x : c) {
    x->Wait();
    EXPECT_EQ(x->finish->reason, FinishReason::kCancelled);
  }
  // Both slots are free again: a fresh request runs to its full length.
  Collector after;
  GenerateRequest r = Greedy(*prompt, 20);
  r.ignore_eos = true;
  ASSERT_TRUE(engine->Submit(after.Wire(std::move(r))).ok());
  after.Wait();
  EXPECT_EQ(after.tokens.size(), 20u);
  EXPECT_EQ(engine->Counters().running, 0);
}

TEST_F(EngineTest, DeadlineEndsARunningRequest) {
  auto engine = Make(1);
  ASSERT_NE(engine, nullptr);
  auto prompt = engine->Tokenize("Once upon a time", true);
  Collector c;
  GenerateRequest r = Greedy(*prompt, 100000);
  r.ignore_eos = true;
  r.deadline_ns = NowNs() + 5'000'000;  // 5 ms: far less than the ~500 tokens the context allows take
  ASSERT_TRUE(engine->Submit(c.Wire(std::move(r))).ok());
  c.Wait();
  EXPECT_EQ(c.finish->status.code(), StatusCode::kDeadlineExceeded);
  EXPECT_EQ(engine->Counters().running, 0);
}

TEST_F(EngineTest, StopStringsAndLimits) {
  auto engine = Make(1, /*max_waiting=*/0);
  ASSERT_NE(engine, nullptr);
  auto prompt = engine->Tokenize("Once upon a time", true);
  // Prompt longer than the context: a clear error naming both lengths.
  std::vector<Token> huge(600, (*prompt)[1]);
  Status too_long = engine->Submit(Greedy(huge, 1));
  EXPECT_EQ(too_long.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(too_long.message().find("600"), std::string::npos);
  EXPECT_NE(too_long.message().find("512"), std::string::npos);
  // One slot, max_waiting 0: while a long request holds the slot, the next is refused.
  Collector holder;
  GenerateRequest hold = Greedy(*prompt, 100000);
  hold.ignore_eos = true;
  auto stop = std::make_shared<std::atomic<bool>>(false);
  hold.cancelled = stop;
  ASSERT_TRUE(engine->Submit(holder.Wire(std::move(hold))).ok());
  Status refused = engine->Submit(Greedy(*prompt, 1));
  EXPECT_EQ(refused.code(), StatusCode::kUnavailable);
  EXPECT_NE(refused.message().find("waiting queue is full"), std::string::npos);
  stop->store(true);
  holder.Wait();
  // The slot is free again: accepted.
  Collector after;
  ASSERT_TRUE(engine->Submit(after.Wire(Greedy(*prompt, 2))).ok());
  after.Wait();
}

TEST_F(EngineTest, StopStringEndsGeneration) {
  auto engine = Make(1);
  ASSERT_NE(engine, nullptr);
  auto prompt = engine->Tokenize("Once upon a time", true);
  Collector full;
  ASSERT_TRUE(engine->Submit(full.Wire(Greedy(*prompt, 40))).ok());
  full.Wait();
  ASSERT_GT(full.text.size(), 12u);
  const std::string stop = full.text.substr(8, 3);
  Collector cut;
  GenerateRequest r = Greedy(*prompt, 40);
  r.stop = {stop};
  ASSERT_TRUE(engine->Submit(cut.Wire(std::move(r))).ok());
  cut.Wait();
  EXPECT_EQ(cut.finish->reason, FinishReason::kStop);
  EXPECT_EQ(cut.text, full.text.substr(0, full.text.find(stop)));
}

TEST_F(EngineTest, EmbeddingsMatchTheLibraryAndLeaveGenerationAlone) {
  auto engine = Make(2);
  ASSERT_NE(engine, nullptr);
  auto a = engine->Tokenize("Once upon a time, there was a little girl named Lily.", true);
  auto b = engine->Tokenize("The dog ran to the park.", true);
  ASSERT_TRUE(a.ok() && b.ok());
  const std::vector<float> expected_a = DirectEmbedding(*a);
  ASSERT_EQ(static_cast<int>(expected_a.size()), engine->embedding_size());
  const std::vector<Token> expected_tokens = DirectGreedy(*a, 48);

  // An embedding request lands while a sequence generates.
  Collector generating;
  ASSERT_TRUE(engine->Submit(generating.Wire(Greedy(*a, 48))).ok());
  std::mutex mu;
  std::condition_variable cv;
  std::optional<StatusOr<std::vector<std::vector<float>>>> result;
  EmbedRequest request;
  request.inputs = {*a, *b, *a};
  request.on_done = [&](StatusOr<std::vector<std::vector<float>>> r) {
    std::lock_guard lock(mu);
    result = std::move(r);
    cv.notify_all();
  };
  ASSERT_TRUE(engine->SubmitEmbedding(std::move(request)).ok());
  {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return result.has_value(); });
  }
  generating.Wait();
  EXPECT_EQ(generating.tokens, expected_tokens);
  ASSERT_TRUE(result->ok()) << result->status().message();
  const auto& vectors = **result;
  ASSERT_EQ(vectors.size(), 3u);
  double norm = 0, dot_ab = 0;
  for (size_t i = 0; i < expected_a.size(); ++i) {
    EXPECT_NEAR(vectors[0][i], expected_a[i], 1e-4) << "element " << i;
    EXPECT_FLOAT_EQ(vectors[2][i], vectors[0][i]);
    norm += static_cast<double>(vectors[0][i]) * vectors[0][i];
    dot_ab += static_cast<double>(vectors[0][i]) * vectors[1][i];
  }
  EXPECT_NEAR(norm, 1.0, 1e-4);
  EXPECT_LT(dot_ab, 0.999);  // different texts, different vectors
}

TEST_F(EngineTest, EmbeddingInputsAreChecked) {
  auto engine = Make(1);
  ASSERT_NE(engine, nullptr);
  EmbedRequest none;
  EXPECT_EQ(engine->SubmitEmbedding(std::move(none)).code(), StatusCode::kInvalidArgument);
  EmbedRequest empty_item;
  empty_item.inputs = {{}};
  EXPECT_EQ(engine->SubmitEmbedding(std::move(empty_item)).code(), StatusCode::kInvalidArgument);
  EmbedRequest too_long;
  too_long.inputs = {std::vector<Token>(600, 1)};
  const Status s = engine->SubmitEmbedding(std::move(too_long));
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("600 tokens"), std::string::npos) << s.message();
}

TEST_F(EngineTest, TopLogprobsAreSortedAndHoldTheGreedyChoice) {
  auto engine = Make(1);
  ASSERT_NE(engine, nullptr);
  auto prompt = engine->Tokenize("Once upon a time", true);
  ASSERT_TRUE(prompt.ok());
  std::vector<TokenEvent> events;
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  GenerateRequest r = Greedy(*prompt, 8);
  r.logprobs = true;
  r.top_logprobs = 5;
  r.on_token = [&](const TokenEvent& e) {
    std::lock_guard lock(mu);
    events.push_back(e);
  };
  r.on_finish = [&](const FinishEvent&) {
    std::lock_guard lock(mu);
    done = true;
    cv.notify_all();
  };
  ASSERT_TRUE(engine->Submit(std::move(r)).ok());
  std::unique_lock lock(mu);
  cv.wait(lock, [&] { return done; });
  ASSERT_FALSE(events.empty());
  for (const auto& e : events) {
    ASSERT_EQ(e.top.size(), 5u);
    // Greedy: the chosen token is the most likely one.
    EXPECT_EQ(e.top[0].first, engine->TokenToText(e.token));
    EXPECT_FLOAT_EQ(e.top[0].second, e.logprob);
    double mass = 0;
    for (size_t i = 0; i < e.top.size(); ++i) {
      EXPECT_LE(e.top[i].second, 0.0f);
      if (i > 0) {
        EXPECT_LE(e.top[i].second, e.top[i - 1].second);
      }
      mass += std::exp(static_cast<double>(e.top[i].second));
    }
    EXPECT_LE(mass, 1.0 + 1e-5);
  }
  GenerateRequest bad = Greedy(*prompt, 1);
  bad.top_logprobs = 21;
  EXPECT_EQ(engine->Submit(std::move(bad)).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace strato::llm
