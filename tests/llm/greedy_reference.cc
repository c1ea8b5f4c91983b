// Prints the token ids that llama.cpp, called directly (no strato engine),
// generates greedily for a prompt: the reference the server must match.
// Usage: greedy_reference MODEL.gguf PROMPT N
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <llama.h>

#include "strato/llm/engine.h"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: greedy_reference MODEL.gguf PROMPT N\n");
    return 2;
  }
  strato::llm::EnsureLlamaBackends();
  llama_model* model = llama_model_load_from_file(argv[1], llama_model_default_params());
  if (model == nullptr) return 1;
  auto cp = llama_context_default_params();
  cp.n_ctx = 1024;
  cp.n_threads = cp.n_threads_batch = 1;
  llama_context* ctx = llama_init_from_model(model, cp);
  const llama_vocab* vocab = llama_model_get_vocab(model);
  const std::string prompt = argv[2];
  std::vector<llama_token> feed(prompt.size() + 8);
  const int n = llama_tokenize(vocab, prompt.data(), static_cast<int>(prompt.size()), feed.data(),
                               static_cast<int>(feed.size()), true, true);
  feed.resize(static_cast<size_t>(n > 0 ? n : 0));
  llama_sampler* greedy = llama_sampler_init_greedy();
  const int want = std::atoi(argv[3]);
  for (int i = 0; i < want; ++i) {
    if (llama_decode(ctx, llama_batch_get_one(feed.data(), static_cast<int>(feed.size()))) != 0) break;
    const llama_token t = llama_sampler_sample(greedy, ctx, -1);
    if (llama_vocab_is_eog(vocab, t)) break;
    std::printf("%d\n", t);
    feed = {t};
  }
  llama_sampler_free(greedy);
  llama_free(ctx);
  llama_model_free(model);
  return 0;
}
