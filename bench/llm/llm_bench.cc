// LLM serving benchmark: strato's OpenAI API (HTTP streaming) against
// llama.cpp driven directly in this process with the same model, threads
// and context. Prints each measurement and the ratio server / library.
//
//   llm_bench --model M.gguf --url http://127.0.0.1:PORT --name MODEL
//             [--threads 1] [--ctx 512] [--slots 32] [--prompt 256] [--gen 256]
//             [--streams 8,32]
//
// The server must serve MODEL from the same GGUF with the same threads,
// context_length and parallel (run_llm_bench.sh sets that up).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include <condition_variable>
#include <mutex>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <llama.h>

#include "strato/llm/engine.h"

namespace {

using Clock = std::chrono::steady_clock;
double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

struct Args {
  std::string model, host = "127.0.0.1", port, name = "stories";
  int threads = 1, ctx = 512, slots = 32, prompt = 256, gen = 256;
  std::vector<int> streams = {8, 32};
};

// ---- llama.cpp directly ----------------------------------------------------

struct Direct {
  llama_model* model = nullptr;
  llama_context* ctx = nullptr;
  const llama_vocab* vocab = nullptr;
  Direct(const Args& a) {
    strato::llm::EnsureLlamaBackends();
    model = llama_model_load_from_file(a.model.c_str(), llama_model_default_params());
    auto cp = llama_context_default_params();
    cp.n_ctx = static_cast<uint32_t>(a.ctx * a.slots);  // as the engine: context_length x parallel, unified
    cp.n_batch = cp.n_ubatch = 512 + static_cast<uint32_t>(a.slots);
    cp.n_seq_max = static_cast<uint32_t>(a.slots);
    cp.n_threads = cp.n_threads_batch = a.threads;
    cp.kv_unified = true;
    ctx = llama_init_from_model(model, cp);
    vocab = llama_model_get_vocab(model);
  }
  ~Direct() {
    llama_free(ctx);
    llama_model_free(model);
  }
  std::vector<llama_token> Tokens(const std::string& text) {
    std::vector<llama_token> t(text.size() + 8);
    int n = llama_tokenize(vocab, text.data(), static_cast<int>(text.size()), t.data(), static_cast<int>(t.size()), true, true);
    t.resize(static_cast<size_t>(std::max(n, 0)));
    return t;
  }
};

// Prompt processing tok/s: one sequence, the whole prompt in one batch.
double DirectPrompt(Direct& d, const std::vector<std::vector<llama_token>>& prompts) {
  double total = 0;
  size_t tokens = 0;
  for (const auto& p : prompts) {
    llama_memory_clear(llama_get_memory(d.ctx), true);
    std::vector<llama_token> copy = p;
    const auto t0 = Clock::now();
    llama_decode(d.ctx, llama_batch_get_one(copy.data(), static_cast<int>(copy.size())));
    llama_get_logits_ith(d.ctx, -1);
    total += Seconds(Clock::now() - t0);
    tokens += p.size();
  }
  return static_cast<double>(tokens) / total;
}

// Generated tok/s for `n` sequences decoded together (n = 1: single stream).
double DirectGenerate(Direct& d, int n, int gen) {
  llama_memory_clear(llama_get_memory(d.ctx), true);
  llama_batch batch = llama_batch_init(512 + n, 0, 1);
  std::vector<llama_sampler*> samplers;
  std::vector<int> pos(static_cast<size_t>(n));
  batch.n_tokens = 0;
  for (int s = 0; s < n; ++s) {
    samplers.push_back(llama_sampler_init_greedy());
    auto p = d.Tokens("Story " + std::to_string(s) + ": Once upon a time");
    for (size_t i = 0; i < p.size(); ++i) {
      const int k = batch.n_tokens++;
      batch.token[k] = p[i];
      batch.pos[k] = static_cast<int>(i);
      batch.n_seq_id[k] = 1;
      batch.seq_id[k][0] = s;
      batch.logits[k] = i + 1 == p.size();
    }
    pos[static_cast<size_t>(s)] = static_cast<int>(p.size());
  }
  const auto t0 = Clock::now();
  llama_decode(d.ctx, batch);
  std::vector<int> out_index(static_cast<size_t>(n));
  int k = 0;
  for (int s = 0; s < n; ++s) {
    k += static_cast<int>(d.Tokens("Story " + std::to_string(s) + ": Once upon a time").size());
    out_index[static_cast<size_t>(s)] = k - 1;
  }
  for (int step = 0; step < gen; ++step) {
    std::vector<llama_token> next(static_cast<size_t>(n));
    for (int s = 0; s < n; ++s) next[static_cast<size_t>(s)] = llama_sampler_sample(samplers[static_cast<size_t>(s)], d.ctx, out_index[static_cast<size_t>(s)]);
    if (step + 1 == gen) break;
    batch.n_tokens = 0;
    for (int s = 0; s < n; ++s) {
      const int i = batch.n_tokens++;
      batch.token[i] = next[static_cast<size_t>(s)];
      batch.pos[i] = pos[static_cast<size_t>(s)]++;
      batch.n_seq_id[i] = 1;
      batch.seq_id[i][0] = s;
      batch.logits[i] = 1;
      out_index[static_cast<size_t>(s)] = i;
    }
    llama_decode(d.ctx, batch);
  }
  const double secs = Seconds(Clock::now() - t0);
  for (auto* s : samplers) llama_sampler_free(s);
  llama_batch_free(batch);
  return static_cast<double>(n) * gen / secs;
}

// ---- strato's engine in this process (no HTTP) ---------------------------

// Generated tok/s of `n` concurrent requests through the Engine API: the
// engine's own overhead, without the network and the HTTP frontend.
double EngineGenerate(strato::llm::Engine& engine, int n, int gen) {
  std::mutex mu;
  std::condition_variable cv;
  int done = 0;
  const auto t0 = Clock::now();
  for (int s = 0; s < n; ++s) {
    strato::llm::GenerateRequest r;
    r.prompt = *engine.Tokenize("Story " + std::to_string(s) + ": Once upon a time", true);
    r.max_tokens = gen;
    r.ignore_eos = true;
    r.sampling.temperature = 0;
    r.on_finish = [&](strato::llm::FinishEvent) {
      std::lock_guard lock(mu);
      ++done;
      cv.notify_all();
    };
    if (!engine.Submit(std::move(r)).ok()) return 0;
  }
  std::unique_lock lock(mu);
  cv.wait(lock, [&] { return done == n; });
  return static_cast<double>(n) * gen / Seconds(Clock::now() - t0);
}

// ---- through the server ----------------------------------------------------

struct StreamResult {
  double start = 0, first = 0, last = 0, end = 0;  // seconds since the run began
  int tokens = 0;
  std::vector<double> gaps;  // between token arrivals
};

// One streaming /v1/completions call over a raw socket; counts token events
// as they arrive ("data: {" with a "text" field and a null finish_reason).
StreamResult Stream(const Args& a, const std::string& prompt, int max_tokens, Clock::time_point epoch) {
  namespace asio = boost::asio;
  asio::io_context io;
  asio::ip::tcp::socket sock(io);
  asio::ip::tcp::resolver resolver(io);
  asio::connect(sock, resolver.resolve(a.host, a.port));
  sock.set_option(asio::ip::tcp::no_delay(true));
  std::string body = "{\"model\":\"" + a.name + "\",\"prompt\":\"" + prompt + "\",\"max_tokens\":" +
                     std::to_string(max_tokens) + ",\"temperature\":0,\"ignore_eos\":true,\"stream\":true}";
  std::string req = "POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " +
                    std::to_string(body.size()) + "\r\n\r\n" + body;
  StreamResult r;
  r.start = Seconds(Clock::now() - epoch);
  asio::write(sock, asio::buffer(req));
  std::string data;
  size_t scanned = 0;
  char buf[65536];
  double prev = 0;
  boost::system::error_code ec;
  for (;;) {
    const size_t n = sock.read_some(asio::buffer(buf), ec);
    const double now = Seconds(Clock::now() - epoch);
    if (n > 0) data.append(buf, n);
    for (;;) {
      const size_t at = data.find("\"finish_reason\":null", scanned);
      if (at == std::string::npos) break;
      scanned = at + 1;
      ++r.tokens;
      if (r.tokens == 1) r.first = now; else r.gaps.push_back(now - prev);
      prev = now;
    }
    if (ec) break;
  }
  r.last = prev;
  r.end = Seconds(Clock::now() - epoch);
  return r;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

std::string LongPrompt(int words, int variant) {
  static const char* kWords[] = {"Once", "upon", "a", "time", "there", "was", "a", "little", "girl", "named",
                                 "Lily.", "She", "liked", "to", "play", "in", "the", "park", "with", "her", "dog."};
  std::string s = "Story " + std::to_string(variant) + ".";
  for (int i = 0; i < words; ++i) {
    s += ' ';
    s += kWords[i % 21];
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  std::string url;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--model") a.model = v;
    else if (k == "--url") url = v;
    else if (k == "--name") a.name = v;
    else if (k == "--threads") a.threads = std::atoi(v.c_str());
    else if (k == "--ctx") a.ctx = std::atoi(v.c_str());
    else if (k == "--slots") a.slots = std::atoi(v.c_str());
    else if (k == "--prompt") a.prompt = std::atoi(v.c_str());
    else if (k == "--gen") a.gen = std::atoi(v.c_str());
    else if (k == "--streams") {
      a.streams.clear();
      for (size_t p = 0; p < v.size();) {
        size_t c = v.find(',', p);
        a.streams.push_back(std::atoi(v.substr(p, c - p).c_str()));
        p = c == std::string::npos ? v.size() : c + 1;
      }
    } else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      return 2;
    }
  }
  if (a.model.empty() || url.rfind("http://", 0) != 0) {
    std::fprintf(stderr, "usage: llm_bench --model M.gguf --url http://HOST:PORT [--name MODEL] [--threads N] [--ctx N] [--slots N] [--prompt N] [--gen N] [--streams 8,32]\n");
    return 2;
  }
  const std::string hostport = url.substr(7);
  a.host = hostport.substr(0, hostport.find(':'));
  a.port = hostport.substr(hostport.find(':') + 1);
  while (!a.port.empty() && a.port.back() == '/') a.port.pop_back();

  // Prompts of ~a.prompt tokens, each different from its first token on, so
  // the server's prefix cache cannot skip work the library has to do.
  Direct direct(a);
  std::vector<std::string> prompts;
  std::vector<std::vector<llama_token>> prompt_tokens;
  for (int i = 0; i < 5; ++i) {
    int words = a.prompt;
    std::string p = LongPrompt(words, i);
    while (static_cast<int>(direct.Tokens(p).size()) > a.prompt && words > 1) p = LongPrompt(--words, i);
    prompts.push_back(p);
    prompt_tokens.push_back(direct.Tokens(p));
  }
  std::printf("model %s, threads %d, context %d per sequence x %d, prompt %zu tokens, %d generated tokens\n",
              a.model.c_str(), a.threads, a.ctx, a.slots, prompt_tokens[0].size(), a.gen);

  // 1. Single stream.
  const double lib_prompt = DirectPrompt(direct, prompt_tokens);
  const double lib_gen = DirectGenerate(direct, 1, a.gen);
  const auto epoch = Clock::now();
  Stream(a, "warm up", 4, epoch);
  double srv_prompt_secs = 0;
  size_t srv_prompt_tokens = 0;
  for (size_t i = 0; i < prompts.size(); ++i) {
    // max_tokens 1: the time to the first token is the prompt's processing
    // (plus one HTTP round trip, which this measurement deliberately includes).
    StreamResult r = Stream(a, prompts[i], 1, epoch);
    srv_prompt_secs += r.first - r.start;
    srv_prompt_tokens += prompt_tokens[i].size();
  }
  const double srv_prompt = static_cast<double>(srv_prompt_tokens) / srv_prompt_secs;
  StreamResult one = Stream(a, "Once upon a time", a.gen, epoch);
  const double srv_gen = (one.tokens - 1) / (one.last - one.first);
  std::printf("single stream  prompt:    server %8.0f tok/s   library %8.0f tok/s   ratio %.3f (goal >= 0.95)\n",
              srv_prompt, lib_prompt, srv_prompt / lib_prompt);
  std::printf("single stream  generated: server %8.0f tok/s   library %8.0f tok/s   ratio %.3f (goal >= 0.95)\n",
              srv_gen, lib_gen, srv_gen / lib_gen);

  {
    // The engine alone, same options as the server's model.
    strato::llm::EngineOptions eo;
    eo.model_path = a.model;
    eo.slots = a.slots;
    eo.context_per_slot = a.ctx;
    eo.threads = a.threads;
    auto engine = strato::llm::Engine::Create(eo);
    if (engine.ok()) {
      for (int n : {1, 8}) {
        if (n > a.slots) continue;
        std::printf("%2d sequences  generated: engine in-process (no HTTP) %8.0f tok/s\n", n, EngineGenerate(**engine, n, a.gen));
      }
    }
  }

  // 2. Concurrent streams vs the library decoding as many sequences in one batch.
  for (int n : a.streams) {
    if (n > a.slots) continue;
    const double lib = DirectGenerate(direct, n, a.gen);
    std::vector<StreamResult> results(static_cast<size_t>(n));
    std::vector<std::thread> threads;
    const auto e = Clock::now();
    for (int s = 0; s < n; ++s) {
      threads.emplace_back([&, s] { results[static_cast<size_t>(s)] = Stream(a, "Story " + std::to_string(s) + ": Once upon a time", a.gen, e); });
    }
    for (auto& t : threads) t.join();
    double end = 0;
    int tokens = 0;
    std::vector<double> ttft, gaps;
    for (const auto& r : results) {
      end = std::max(end, r.end);
      tokens += r.tokens;
      ttft.push_back(r.first - r.start);
      gaps.insert(gaps.end(), r.gaps.begin(), r.gaps.end());
    }
    const double agg = tokens / end;
    std::printf("%2d streams     generated: server %8.0f tok/s   library %8.0f tok/s   ratio %.3f (goal >= 0.9); "
                "x%.2f of single stream; TTFT p50 %.1f ms p99 %.1f ms; inter-token p99 %.2f ms\n",
                n, agg, lib, agg / lib, agg / srv_gen, Percentile(ttft, 0.5) * 1e3, Percentile(ttft, 0.99) * 1e3,
                Percentile(gaps, 0.99) * 1e3);
    if (tokens != n * a.gen) std::printf("   warning: got %d tokens, expected %d\n", tokens, n * a.gen);
  }
  return 0;
}
