#include "strato/llm/llamacpp_backend.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "strato/core/safe_path.h"
#include "strato/llm/engine.h"

namespace strato::llm {
namespace {

// Request parameter readers: the frontends send ints as int64 and floats as
// double, but accept whichever numeric form arrived.
std::optional<double> NumberParam(const Parameters& p, std::string_view key) {
  auto it = p.find(key);
  if (it == p.end()) return std::nullopt;
  if (const auto* i = std::get_if<int64_t>(&it->second)) return static_cast<double>(*i);
  if (const auto* d = std::get_if<double>(&it->second)) return *d;
  return std::nullopt;
}
bool BoolParam(const Parameters& p, std::string_view key, bool fallback) {
  auto it = p.find(key);
  if (it == p.end()) return fallback;
  if (const auto* b = std::get_if<bool>(&it->second)) return *b;
  return fallback;
}
const std::string* StringParam(const Parameters& p, std::string_view key) {
  auto it = p.find(key);
  if (it == p.end()) return nullptr;
  return std::get_if<std::string>(&it->second);
}

int IntConfig(const inference::ModelConfig& config, std::string_view key, int fallback) {
  const std::string v = ConfigParameter(config, key);
  if (v.empty()) return fallback;
  int out = fallback;
  std::from_chars(v.data(), v.data() + v.size(), out);
  return out;
}

struct Defaults {
  SamplingParams sampling;
  int max_tokens = 256;
};

// Shared by every instance: the engine schedules across them itself.
class LlamaModel final : public Model, public std::enable_shared_from_this<LlamaModel> {
 public:
  LlamaModel(std::unique_ptr<Engine> engine, Defaults defaults, int64_t version)
      : engine_(std::move(engine)), defaults_(defaults), version_(version) {}

  SchedulingMode scheduling() const override { return SchedulingMode::kDirect; }
  StatusOr<std::unique_ptr<ModelInstance>> CreateInstance(int index) override;

  void Execute(std::unique_ptr<InferenceRequest> request);

 private:
  void ExecuteEmbedding(std::unique_ptr<InferenceRequest> request);
  StatusOr<GenerateRequest> Translate(const InferenceRequest& request) const;

  std::unique_ptr<Engine> engine_;
  const Defaults defaults_;
  const int64_t version_;
};

class LlamaInstance final : public ModelInstance {
 public:
  explicit LlamaInstance(LlamaModel* model) : model_(model) {}
  void Execute(std::vector<std::unique_ptr<InferenceRequest>>& batch) override {
    for (auto& request : batch) {
      if (request) model_->Execute(std::move(request));
    }
  }

 private:
  LlamaModel* const model_;
};

StatusOr<std::unique_ptr<ModelInstance>> LlamaModel::CreateInstance(int /*index*/) {
  return std::unique_ptr<ModelInstance>(std::make_unique<LlamaInstance>(this));
}

Tensor TextTensor(std::string_view text) {
  Tensor t(std::string(kTextOutput), DataType::kBytes, {1});
  std::vector<uint8_t> bytes;
  AppendBytesElement(&bytes, text);
  t.SetOwned(std::move(bytes));
  return t;
}

StatusOr<GenerateRequest> LlamaModel::Translate(const InferenceRequest& request) const {
  const Parameters& p = request.parameters;
  // A sampling parameter that is present must be a finite number: a string
  // ("NaN") or NaN itself is an error, not a silent default.
  for (const char* key : {"max_tokens", "temperature", "top_p", "top_k", "min_p", "seed",
                          "presence_penalty", "frequency_penalty", "repetition_penalty", "top_logprobs"}) {
    auto it = p.find(key);
    if (it == p.end()) continue;
    const auto* d = std::get_if<double>(&it->second);
    if (std::get_if<int64_t>(&it->second) == nullptr && (d == nullptr || !std::isfinite(*d))) {
      return InvalidArgumentError(std::string("parameter '") + key + "' must be a finite number");
    }
  }
  GenerateRequest g;
  g.sampling = defaults_.sampling;
  g.max_tokens = defaults_.max_tokens;
  if (auto v = NumberParam(p, "max_tokens")) {
    if (*v < 0) return InvalidArgumentError("max_tokens must not be negative (got " + std::to_string(static_cast<int64_t>(*v)) + ")");
    g.max_tokens = static_cast<int>(std::min(*v, 1e9));
  }
  if (auto v = NumberParam(p, "temperature")) {
    if (*v < 0 || *v > 2) return InvalidArgumentError("temperature must be between 0 and 2");
    g.sampling.temperature = static_cast<float>(*v);
  }
  if (auto v = NumberParam(p, "top_p")) {
    if (*v <= 0 || *v > 1) return InvalidArgumentError("top_p must be in (0, 1]");
    g.sampling.top_p = static_cast<float>(*v);
  }
  if (auto v = NumberParam(p, "top_k")) g.sampling.top_k = static_cast<int>(std::max(0.0, *v));
  if (auto v = NumberParam(p, "min_p")) {
    if (*v < 0 || *v > 1) return InvalidArgumentError("min_p must be in [0, 1]");
    g.sampling.min_p = static_cast<float>(*v);
  }
  if (auto v = NumberParam(p, "seed")) g.sampling.seed = static_cast<uint32_t>(static_cast<int64_t>(*v));
  if (auto v = NumberParam(p, "presence_penalty")) g.sampling.presence_penalty = static_cast<float>(*v);
  if (auto v = NumberParam(p, "frequency_penalty")) g.sampling.frequency_penalty = static_cast<float>(*v);
  if (auto v = NumberParam(p, "repetition_penalty")) g.sampling.repetition_penalty = static_cast<float>(*v);
  for (std::string_view key : {"stop", "stop.1", "stop.2", "stop.3"}) {
    if (const std::string* s = StringParam(p, key); s != nullptr && !s->empty()) g.stop.push_back(*s);
  }
  g.logprobs = BoolParam(p, "logprobs", false);
  if (auto v = NumberParam(p, "top_logprobs")) {
    if (*v < 0 || *v > 20) return InvalidArgumentError("top_logprobs must be between 0 and 20");
    g.top_logprobs = static_cast<int>(*v);
  }
  g.ignore_eos = BoolParam(p, "ignore_eos", false);

  std::string prompt;
  bool add_special = BoolParam(p, "add_special", true);
  if (StringParam(p, "message.0.role") != nullptr) {
    std::vector<ChatMessage> messages;
    for (int i = 0;; ++i) {
      const std::string base = "message." + std::to_string(i) + ".";
      const std::string* role = StringParam(p, base + "role");
      if (role == nullptr) break;
      const std::string* content = StringParam(p, base + "content");
      messages.push_back({*role, content != nullptr ? *content : std::string()});
    }
    auto rendered = engine_->ApplyChatTemplate(messages);
    if (!rendered.ok()) return rendered.status();
    prompt = std::move(rendered).value();
  } else {
    const Tensor* in = request.FindInput(kTextInput);
    if (in == nullptr) return InvalidArgumentError("input 'text_input' is missing");
    Status each = ForEachBytesElement(in->bytes(), [&](std::string_view s) { prompt.append(s); });
    if (!each.ok()) return each;
  }
  if (prompt.empty()) return InvalidArgumentError("the prompt is empty");
  auto tokens = engine_->Tokenize(prompt, add_special);
  if (!tokens.ok()) return tokens.status();
  g.prompt = std::move(tokens).value();
  return g;
}

// Parameter task="embedding": every element of text_input is embedded.
void LlamaModel::ExecuteEmbedding(std::unique_ptr<InferenceRequest> request) {
  const Tensor* in = request->FindInput(kTextInput);
  if (in == nullptr) {
    RespondWithError(*request, version_, InvalidArgumentError("input 'text_input' is missing"));
    return;
  }
  EmbedRequest e;
  int64_t prompt_tokens = 0;
  Status bad_text;
  Status tokenized = ForEachBytesElement(in->bytes(), [&](std::string_view text) {
    auto tokens = engine_->Tokenize(text, /*add_special=*/true);
    if (!tokens.ok()) {
      if (bad_text.ok()) bad_text = tokens.status();
      return;
    }
    prompt_tokens += static_cast<int64_t>(tokens->size());
    e.inputs.push_back(std::move(tokens).value());
  });
  if (tokenized.ok()) tokenized = bad_text;
  if (!tokenized.ok()) {
    RespondWithError(*request, version_, tokenized);
    return;
  }
  std::shared_ptr<InferenceRequest> shared(std::move(request));
  e.cancelled = shared->cancelled;
  const int64_t version = version_;
  const int64_t dim = engine_->embedding_size();
  e.on_done = [shared, version, dim, prompt_tokens](StatusOr<std::vector<std::vector<float>>> result) {
    if (!result.ok()) {
      RespondWithError(*shared, version, result.status());
      return;
    }
    const auto& vectors = *result;
    std::vector<uint8_t> bytes(vectors.size() * static_cast<size_t>(dim) * sizeof(float));
    for (size_t i = 0; i < vectors.size(); ++i) {
      std::memcpy(bytes.data() + i * static_cast<size_t>(dim) * sizeof(float), vectors[i].data(),
                  static_cast<size_t>(dim) * sizeof(float));
    }
    Tensor out(std::string(kEmbeddingOutput), DataType::kFp32, {static_cast<int64_t>(vectors.size()), dim});
    out.SetOwned(std::move(bytes));
    auto response = MakeResponse(*shared, version);
    response->outputs.push_back(std::move(out));
    response->parameters["prompt_tokens"] = prompt_tokens;
    if (shared->sink) shared->sink->Send(std::move(response), true);
  };
  const size_t inputs = e.inputs.size();
  if (inputs == 0) {
    RespondWithError(*shared, version_, InvalidArgumentError("text_input holds no text to embed"));
    return;
  }
  Status submitted = engine_->SubmitEmbedding(std::move(e));
  if (!submitted.ok()) RespondWithError(*shared, version_, submitted);
}

void LlamaModel::Execute(std::unique_ptr<InferenceRequest> request) {
  if (const std::string* task = StringParam(request->parameters, "task"); task != nullptr && *task == "embedding") {
    ExecuteEmbedding(std::move(request));
    return;
  }
  auto translated = Translate(*request);
  if (!translated.ok()) {
    RespondWithError(*request, version_, translated.status());
    return;
  }
  GenerateRequest g = std::move(translated).value();
  const bool stream = BoolParam(request->parameters, "stream", false);
  // The request itself is shared by the two callbacks (both run on the
  // engine thread, one after the other).
  std::shared_ptr<InferenceRequest> shared(std::move(request));
  auto text = std::make_shared<std::string>();
  g.cancelled = shared->cancelled;
  if (shared->timeout_us > 0) g.deadline_ns = NowNs() + shared->timeout_us * 1000;
  const int64_t version = version_;
  g.on_token = [shared, text, stream, version, logprobs = g.logprobs](const TokenEvent& e) {
    if (!stream) {
      text->append(e.text);
      return;
    }
    auto response = MakeResponse(*shared, version);
    response->outputs.push_back(TextTensor(e.text));
    response->parameters["token_id"] = static_cast<int64_t>(e.token);
    if (logprobs) response->parameters["logprob"] = static_cast<double>(e.logprob);
    // Alternatives as flat parameters: top_logprob.N.token / top_logprob.N.logprob.
    for (size_t i = 0; i < e.top.size(); ++i) {
      const std::string key = "top_logprob." + std::to_string(i) + ".";
      response->parameters[key + "token"] = e.top[i].first;
      response->parameters[key + "logprob"] = static_cast<double>(e.top[i].second);
    }
    if (shared->sink) shared->sink->Send(std::move(response), false);
  };
  g.on_finish = [shared, text, stream, version](const FinishEvent& e) {
    if (!e.status.ok()) {
      RespondWithError(*shared, version, e.status);
      return;
    }
    if (e.reason == FinishReason::kCancelled) {
      RespondWithError(*shared, version, CancelledError("the request was cancelled"));
      return;
    }
    text->append(e.text);
    auto response = MakeResponse(*shared, version);
    response->outputs.push_back(TextTensor(stream ? e.text : *text));
    response->parameters["finish_reason"] = std::string(FinishReasonName(e.reason));
    response->parameters["prompt_tokens"] = static_cast<int64_t>(e.prompt_tokens);
    response->parameters["completion_tokens"] = static_cast<int64_t>(e.completion_tokens);
    response->parameters["cached_tokens"] = static_cast<int64_t>(e.cached_prompt_tokens);
    if (shared->sink) shared->sink->Send(std::move(response), true);
  };
  Status submitted = engine_->Submit(std::move(g));
  if (!submitted.ok()) RespondWithError(*shared, version_, submitted);
}

class LlamaBackend final : public Backend {
 public:
  std::string_view name() const override { return "llamacpp"; }

  Status AutoCompleteConfig(const std::filesystem::path& /*version_dir*/,
                            inference::ModelConfig* config) const override {
    if (config->input_size() == 0) {
      auto* in = config->add_input();
      in->set_name(std::string(kTextInput));
      in->set_data_type(inference::TYPE_STRING);
      in->add_dims(-1);  // [1] for generation; [N] texts for task=embedding
    }
    if (config->output_size() == 0) {
      auto* out = config->add_output();
      out->set_name(std::string(kTextOutput));
      out->set_data_type(inference::TYPE_STRING);
      out->add_dims(1);
    }
    return Status::Ok();
  }

  StatusOr<std::unique_ptr<Model>> LoadModel(const ModelLoadContext& context) const override {
    if (context.config == nullptr) return InvalidArgumentError("llamacpp: no model config");
    const inference::ModelConfig& config = *context.config;
    std::filesystem::path gguf;
    const std::string named = ConfigParameter(config, "gguf");
    std::error_code ec;
    if (!named.empty()) {
      // The config may come from the load API: the file must stay in the
      // version folder.
      auto inside = ResolveInside(context.version_dir, named, "llamacpp model '" + config.name() + "': parameter gguf");
      if (!inside.ok()) return inside.status();
      gguf = *inside;
    } else {
      for (const auto& entry : std::filesystem::directory_iterator(context.version_dir, ec)) {
        if (entry.path().extension() != ".gguf") continue;
        if (!gguf.empty()) {
          return InvalidArgumentError("llamacpp model '" + config.name() + "': version folder holds several .gguf files; name one with the config parameter 'gguf'");
        }
        gguf = entry.path();
      }
      if (gguf.empty()) {
        return NotFoundError("llamacpp model '" + config.name() + "': no .gguf file in " + context.version_dir.string());
      }
    }
    EngineOptions options;
    options.model_path = gguf;
    options.slots = IntConfig(config, "parallel", 8);
    options.context_per_slot = IntConfig(config, "context_length", 0);
    options.threads = IntConfig(config, "threads", 0);
    options.batch_size = IntConfig(config, "batch_size", 512);
    options.max_waiting = IntConfig(config, "max_waiting", 256);
    options.max_embedding_tokens = IntConfig(config, "max_embedding_tokens", 65536);
    options.chat_template = ConfigParameter(config, "chat_template");
    options.metrics = context.metrics;
    options.metric_labels = {{"model", config.name()}, {"version", std::to_string(context.version)}};
    Defaults defaults;
    defaults.max_tokens = IntConfig(config, "max_tokens", 256);
    if (auto t = ConfigParameter(config, "temperature"); !t.empty()) defaults.sampling.temperature = std::strtof(t.c_str(), nullptr);
    if (auto t = ConfigParameter(config, "top_p"); !t.empty()) defaults.sampling.top_p = std::strtof(t.c_str(), nullptr);
    defaults.sampling.top_k = IntConfig(config, "top_k", 0);
    auto engine = Engine::Create(options);
    if (!engine.ok()) return engine.status().WithPrefix("llamacpp model '" + config.name() + "'");
    return std::unique_ptr<Model>(std::make_unique<LlamaModel>(std::move(engine).value(), defaults, context.version));
  }
};

}  // namespace

void RegisterLlamaBackend(BackendRegistry* registry) {
  registry->Register(std::make_shared<LlamaBackend>(), {"llama.cpp"});
}

}  // namespace strato::llm
