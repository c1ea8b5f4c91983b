// /v1 routes and the generate extension: body validation and request
// building. Every rejection names the field and the problem, in OpenAI's
// error shape (400 for bad input, per the OpenAI API).
#include <array>
#include <optional>

#include "openai.h"
#include "openai_audio.h"
#include "strato/core/tensor.h"

namespace strato::http {
namespace {

namespace dom = simdjson::dom;

constexpr std::array<std::string_view, 5> kRoles = {"system", "user", "assistant", "tool", "developer"};

// A validation failure: message and offending field.
struct Invalid {
  std::string message;
  std::string param;
};

std::string_view TypeName(dom::element_type t) {
  switch (t) {
    case dom::element_type::ARRAY: return "an array";
    case dom::element_type::OBJECT: return "an object";
    case dom::element_type::STRING: return "a string";
    case dom::element_type::BOOL: return "a boolean";
    case dom::element_type::NULL_VALUE: return "null";
    default: return "a number";
  }
}

bool IsNumber(dom::element e) {
  const auto t = e.type();
  return t == dom::element_type::INT64 || t == dom::element_type::UINT64 || t == dom::element_type::DOUBLE;
}

// Reads an optional number field in [lo, hi] into parameters[name].
std::optional<Invalid> NumberField(dom::object body, std::string_view key, double lo, double hi,
                                   bool integer, Parameters* params, std::string_view as = {}) {
  dom::element e;
  if (body.at_key(key).get(e) != simdjson::SUCCESS || e.is_null()) return std::nullopt;
  if (!IsNumber(e)) {
    return Invalid{"'" + std::string(key) + "' must be a number, not " + std::string(TypeName(e.type())), std::string(key)};
  }
  double v = 0;
  if (e.get_double().get(v) != simdjson::SUCCESS) v = 0;
  if (integer && e.type() == dom::element_type::DOUBLE) {
    return Invalid{"'" + std::string(key) + "' must be an integer", std::string(key)};
  }
  if (v < lo || v > hi) {
    char buf[160];
    std::snprintf(buf, sizeof(buf), "'%.*s' is %g; it must be between %g and %g", static_cast<int>(key.size()),
                  key.data(), v, lo, hi);
    return Invalid{buf, std::string(key)};
  }
  const std::string name(as.empty() ? key : as);
  if (integer) (*params)[name] = static_cast<int64_t>(v); else (*params)[name] = v;
  return std::nullopt;
}

// logit_bias is not applied (strato samples without it), but garbage in it
// is still an error: {"<token id>": number in [-100, 100], ...}.
std::optional<Invalid> CheckLogitBias(dom::object body) {
  dom::element e;
  if (body.at_key("logit_bias").get(e) != simdjson::SUCCESS || e.is_null()) return std::nullopt;
  dom::object bias;
  if (e.get_object().get(bias) != simdjson::SUCCESS) {
    return Invalid{"'logit_bias' must be an object mapping token ids to numbers", "logit_bias"};
  }
  for (auto field : bias) {
    const std::string_view key = field.key;
    const bool id = !key.empty() && key.size() <= 10 &&
                    key.find_first_not_of("0123456789") == std::string_view::npos;
    double v = 0;
    if (!id || !IsNumber(field.value) || field.value.get_double().get(v) != simdjson::SUCCESS ||
        v < -100 || v > 100) {
      return Invalid{"'logit_bias' entries must map a token id to a number in [-100, 100]", "logit_bias"};
    }
  }
  return std::nullopt;
}

std::optional<Invalid> BoolField(dom::object body, std::string_view key, bool* out) {
  dom::element e;
  if (body.at_key(key).get(e) != simdjson::SUCCESS || e.is_null()) return std::nullopt;
  if (e.get_bool().get(*out) != simdjson::SUCCESS) {
    return Invalid{"'" + std::string(key) + "' must be a boolean", std::string(key)};
  }
  return std::nullopt;
}

// Message content: a string, or an array of {"type":"text","text":...} parts.
std::optional<Invalid> ContentText(dom::element content, const std::string& where, std::string* out) {
  std::string_view s;
  if (content.get_string().get(s) == simdjson::SUCCESS) {
    out->assign(s);
    return std::nullopt;
  }
  dom::array parts;
  if (content.get_array().get(parts) != simdjson::SUCCESS) {
    return Invalid{where + ".content must be a string or an array of text parts", where + ".content"};
  }
  for (dom::element part : parts) {
    std::string_view type, text;
    if (part.at_key("type").get_string().get(type) != simdjson::SUCCESS || type != "text" ||
        part.at_key("text").get_string().get(text) != simdjson::SUCCESS) {
      return Invalid{where + ".content parts must be {\"type\": \"text\", \"text\": ...} (other part types are not supported)", where + ".content"};
    }
    out->append(text);
  }
  return std::nullopt;
}

std::optional<Invalid> ReadMessages(dom::object body, Parameters* params) {
  dom::element e;
  if (body.at_key("messages").get(e) != simdjson::SUCCESS) return Invalid{"'messages' is required", "messages"};
  dom::array messages;
  if (e.get_array().get(messages) != simdjson::SUCCESS) {
    return Invalid{"'messages' must be an array, not " + std::string(TypeName(e.type())), "messages"};
  }
  if (messages.size() == 0) return Invalid{"'messages' must contain at least one message", "messages"};
  int i = 0;
  for (dom::element m : messages) {
    const std::string where = "messages[" + std::to_string(i) + "]";
    std::string_view role;
    if (m.at_key("role").get_string().get(role) != simdjson::SUCCESS) {
      return Invalid{where + ".role is required and must be a string", where + ".role"};
    }
    bool known = false;
    for (auto r : kRoles) known = known || r == role;
    if (!known) {
      return Invalid{where + ".role '" + std::string(role.substr(0, 64)) +
                         "' is unknown; use system, user, assistant, tool or developer",
                     where + ".role"};
    }
    std::string text;
    dom::element content;
    if (m.at_key("content").get(content) == simdjson::SUCCESS && !content.is_null()) {
      if (auto bad = ContentText(content, where, &text)) return bad;
    } else if (role != "assistant") {
      return Invalid{where + ".content is required", where + ".content"};
    }
    const std::string base = "message." + std::to_string(i) + ".";
    (*params)[base + "role"] = std::string(role);
    (*params)[base + "content"] = std::move(text);
    ++i;
  }
  return std::nullopt;
}

std::optional<Invalid> ReadStop(dom::object body, Parameters* params) {
  dom::element e;
  if (body.at_key("stop").get(e) != simdjson::SUCCESS || e.is_null()) return std::nullopt;
  std::string_view s;
  if (e.get_string().get(s) == simdjson::SUCCESS) {
    (*params)["stop"] = std::string(s);
    return std::nullopt;
  }
  dom::array list;
  if (e.get_array().get(list) != simdjson::SUCCESS) return Invalid{"'stop' must be a string or an array of strings", "stop"};
  if (list.size() > 4) return Invalid{"'stop' may hold at most 4 strings", "stop"};
  static constexpr std::array<std::string_view, 4> kKeys = {"stop", "stop.1", "stop.2", "stop.3"};
  size_t i = 0;
  for (dom::element item : list) {
    if (item.get_string().get(s) != simdjson::SUCCESS) return Invalid{"'stop' must be a string or an array of strings", "stop"};
    (*params)[std::string(kKeys[i++])] = std::string(s);
  }
  return std::nullopt;
}

// Builds the request for /v1/chat/completions and /v1/completions.
RouteResult OpenAICompletion(const HandlerContext& ctx, const RequestView& r, OpenAIKind kind) {
  auto call_or = ParseOpenAIBody(ctx, r);
  if (auto* error = std::get_if<Reply>(&call_or)) return std::move(*error);
  OpenAIBody& parsed_call = std::get<OpenAIBody>(call_or);
  dom::object body = parsed_call.body;
  const std::string_view model_name = parsed_call.model_name;
  std::shared_ptr<ModelVersion> mv = std::move(parsed_call.model);
  auto request = std::make_unique<InferenceRequest>();
  Parameters& params = request->parameters;
  OpenAICall call;
  call.kind = kind;
  call.model = std::string(model_name);
  std::string prompt;
  if (kind == OpenAIKind::kChat) {
    if (auto bad = ReadMessages(body, &params)) return OpenAIError(400, bad->message, bad->param);
  } else {
    dom::element p;
    if (body.at_key("prompt").get(p) != simdjson::SUCCESS) return OpenAIError(400, "'prompt' is required", "prompt");
    std::string_view s;
    dom::array list;
    if (p.get_string().get(s) == simdjson::SUCCESS) {
      prompt.assign(s);
    } else if (p.get_array().get(list) == simdjson::SUCCESS && list.size() == 1 &&
               list.at(0).get_string().get(s) == simdjson::SUCCESS) {
      prompt.assign(s);
    } else {
      return OpenAIError(400, "'prompt' must be a string (or an array of exactly one string)", "prompt");
    }
    if (prompt.empty()) return OpenAIError(400, "'prompt' must not be empty", "prompt");
  }
  // max_completion_tokens is the newer name; it wins when both are given.
  if (auto bad = NumberField(body, "max_tokens", 1, 1e9, true, &params)) return OpenAIError(400, bad->message, bad->param);
  if (auto bad = NumberField(body, "max_completion_tokens", 1, 1e9, true, &params, "max_tokens")) {
    return OpenAIError(400, bad->message, bad->param);
  }
  if (auto bad = NumberField(body, "temperature", 0, 2, false, &params)) return OpenAIError(400, bad->message, bad->param);
  if (auto bad = NumberField(body, "top_p", 0, 1, false, &params)) return OpenAIError(400, bad->message, bad->param);
  if (auto bad = NumberField(body, "top_k", 0, 1e6, true, &params)) return OpenAIError(400, bad->message, bad->param);
  if (auto bad = NumberField(body, "min_p", 0, 1, false, &params)) return OpenAIError(400, bad->message, bad->param);
  if (auto bad = NumberField(body, "seed", -9.3e18, 9.3e18, true, &params)) return OpenAIError(400, bad->message, bad->param);
  if (auto bad = NumberField(body, "presence_penalty", -2, 2, false, &params)) return OpenAIError(400, bad->message, bad->param);
  if (auto bad = NumberField(body, "frequency_penalty", -2, 2, false, &params)) return OpenAIError(400, bad->message, bad->param);
  if (auto bad = NumberField(body, "repetition_penalty", 0.01, 10, false, &params)) return OpenAIError(400, bad->message, bad->param);
  if (auto bad = NumberField(body, "n", 1, 1, true, &params)) {
    return OpenAIError(400, "'n' must be 1 (several choices per request are not supported)", "n");
  }
  params.erase("n");
  if (auto bad = ReadStop(body, &params)) return OpenAIError(400, bad->message, bad->param);
  if (auto bad = CheckLogitBias(body)) return OpenAIError(400, bad->message, bad->param);
  if (auto bad = BoolField(body, "stream", &call.stream)) return OpenAIError(400, bad->message, bad->param);
  dom::element so;
  if (body.at_key("stream_options").get(so) == simdjson::SUCCESS && !so.is_null()) {
    dom::object opts;
    if (so.get_object().get(opts) != simdjson::SUCCESS) return OpenAIError(400, "'stream_options' must be an object", "stream_options");
    if (auto bad = BoolField(opts, "include_usage", &call.include_usage)) return OpenAIError(400, "'stream_options.include_usage' must be a boolean", "stream_options.include_usage");
  }
  dom::element lp;
  if (body.at_key("logprobs").get(lp) == simdjson::SUCCESS && !lp.is_null()) {
    // Chat: a boolean; completions: an integer count (top alternatives are not reported).
    bool b = false;
    int64_t n = 0;
    if (lp.get_bool().get(b) == simdjson::SUCCESS) {
      call.logprobs = b;
    } else if (lp.get_int64().get(n) == simdjson::SUCCESS && n >= 0 && n <= 20 && kind == OpenAIKind::kCompletion) {
      // Completions: the count of alternatives to report per position.
      call.logprobs = true;
      call.top_logprobs = static_cast<int>(n);
    } else {
      return OpenAIError(400, kind == OpenAIKind::kChat ? "'logprobs' must be a boolean" : "'logprobs' must be an integer between 0 and 20", "logprobs");
    }
  }
  dom::element top;
  if (body.at_key("top_logprobs").get(top) == simdjson::SUCCESS && !top.is_null()) {
    int64_t n = 0;
    if (kind != OpenAIKind::kChat) return OpenAIError(400, "'top_logprobs' belongs to chat completions; for completions give 'logprobs' a count", "top_logprobs");
    if (top.get_int64().get(n) != simdjson::SUCCESS || n < 0 || n > 20) {
      return OpenAIError(400, "'top_logprobs' must be an integer between 0 and 20", "top_logprobs");
    }
    if (n > 0 && !call.logprobs) return OpenAIError(400, "'top_logprobs' needs 'logprobs': true", "top_logprobs");
    call.top_logprobs = static_cast<int>(n);
  }
  params["logprobs"] = call.logprobs;
  if (call.top_logprobs > 0) params["top_logprobs"] = static_cast<int64_t>(call.top_logprobs);
  bool ignore_eos = false;  // an extension (as in vLLM): generate exactly max_tokens
  if (auto bad = BoolField(body, "ignore_eos", &ignore_eos)) return OpenAIError(400, bad->message, bad->param);
  if (ignore_eos) params["ignore_eos"] = true;
  // Chat and non-streaming calls need every token too: the backend streams always.
  params["stream"] = true;
  if (kind == OpenAIKind::kCompletion) params["add_special"] = true;
  return MakeTextGeneration(std::move(mv), std::move(request), {prompt}, r, MakeOpenAIFormatter(std::move(call)));
}

// One entry of /v1/models.
void WriteModelObject(JsonWriter& w, std::string_view name) {
  w.StartObject();
  w.Key("id");
  WriteString(w, name);
  w.Key("object");
  w.String("model");
  w.Key("created");
  w.Int64(0);
  w.Key("owned_by");
  w.String("strato");
  w.EndObject();
}

Reply ListModels(const HandlerContext& ctx) {
  JsonBuffer b;
  JsonWriter w(b);
  w.StartObject();
  w.Key("object");
  w.String("list");
  w.Key("data");
  w.StartArray();
  std::vector<std::string> seen;
  for (const auto& v : ctx.manager->AllReadyVersions()) {
    if (!IsLanguageModel(*v)) continue;
    if (std::find(seen.begin(), seen.end(), v->name()) != seen.end()) continue;
    seen.push_back(v->name());
    WriteModelObject(w, v->name());
  }
  w.EndArray();
  w.EndObject();
  return JsonReply(b);
}

}  // namespace

bool IsLanguageModel(const ModelVersion& v) {
  const std::string& b = v.config().backend();
  return b == "llamacpp" || b == "llama.cpp";
}

PendingGenerate MakeTextGeneration(std::shared_ptr<ModelVersion> model, std::unique_ptr<InferenceRequest> request,
                                   const std::vector<std::string_view>& texts, const RequestView& r,
                                   std::unique_ptr<GenerationFormatter> formatter) {
  Tensor input("text_input", DataType::kBytes, {static_cast<int64_t>(texts.size())});
  std::vector<uint8_t> bytes;
  for (std::string_view t : texts) AppendBytesElement(&bytes, t);
  input.SetOwned(std::move(bytes));
  request->inputs.push_back(std::move(input));
  request->model_name = model->name();
  request->model_version = model->version();
  request->times.received_ns = r.received_ns;
  PendingGenerate pending;
  pending.version = std::move(model);
  pending.request = std::move(request);
  pending.formatter = std::move(formatter);
  return pending;
}

std::variant<OpenAIBody, Reply> ParseOpenAIBody(const HandlerContext& ctx, const RequestView& r) {
  auto parsed = ParseJson(r.body->data(), r.body->size(), r.body->capacity(), "request body");
  if (!parsed.ok()) return OpenAIError(400, parsed.status().message(), {}, "invalid_json");
  OpenAIBody out;
  if (parsed->get_object().get(out.body) != simdjson::SUCCESS) return OpenAIError(400, "the request body must be a JSON object");
  if (out.body.at_key("model").get_string().get(out.model_name) != simdjson::SUCCESS) {
    return OpenAIError(400, "'model' is required and must be a string", "model");
  }
  auto got = ctx.manager->Get(out.model_name, -1);
  if (!got.ok()) {
    return OpenAIError(400, "model '" + std::string(out.model_name.substr(0, 200)) + "' does not exist or is not ready; GET /v1/models lists the served models", "model", "model_not_found");
  }
  out.model = std::move(got).value();
  if (!IsLanguageModel(*out.model)) {
    return OpenAIError(400, "model '" + std::string(out.model_name) + "' is not a language model (backend '" + out.model->config().backend() + "'); use the KServe v2 API for it", "model");
  }
  return out;
}

RouteResult HandleOpenAI(const HandlerContext& ctx, const RequestView& r) {
  std::string_view path = r.target;
  if (auto q = path.find('?'); q != std::string_view::npos) path = path.substr(0, q);
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  const bool post = r.method == Method::kPost;
  auto wrong = [&](std::string_view allowed) {
    return OpenAIError(405, "use " + std::string(allowed) + " on " + std::string(path));
  };
  if (path == "/v1/models") return r.method == Method::kGet ? ListModels(ctx) : wrong("GET");
  if (path.starts_with("/v1/models/")) {
    const std::string name = PercentDecode(path.substr(11));
    auto got = ctx.manager->Get(name, -1);
    if (!got.ok() || !IsLanguageModel(**got)) return OpenAIError(404, "model '" + name + "' does not exist", "model", "model_not_found");
    JsonBuffer b;
    JsonWriter w(b);
    WriteModelObject(w, name);
    return JsonReply(b);
  }
  if (path == "/v1/chat/completions") return post ? OpenAICompletion(ctx, r, OpenAIKind::kChat) : wrong("POST");
  if (path == "/v1/completions") return post ? OpenAICompletion(ctx, r, OpenAIKind::kCompletion) : wrong("POST");
  if (path.starts_with("/v1/audio/")) return HandleOpenAIAudio(ctx, r, path);
  if (path == "/v1/embeddings") {
    return post ? OpenAIEmbeddings(ctx, r) : wrong("POST");
  }
  return OpenAIError(404, "no route for '" + std::string(path.substr(0, 200)) + "'");
}

RouteResult HandleGenerate(const HandlerContext& ctx, const std::string& model, int64_t version,
                           const RequestView& r, bool stream) {
  auto got = ctx.manager->Get(model, version);
  if (!got.ok()) return StatusReply(got.status());
  std::shared_ptr<ModelVersion> mv = std::move(got).value();
  if (!IsLanguageModel(*mv)) return ErrorReply(400, "model '" + model + "' does not support the generate extension");
  auto parsed = ParseJson(r.body->data(), r.body->size(), r.body->capacity(), "request body");
  if (!parsed.ok()) return StatusReply(parsed.status());
  dom::object body;
  if (parsed->get_object().get(body) != simdjson::SUCCESS) return ErrorReply(400, "the request body must be a JSON object");
  std::string_view text;
  if (body.at_key("text_input").get_string().get(text) != simdjson::SUCCESS) {
    return ErrorReply(400, "'text_input' is required and must be a string");
  }
  auto request = std::make_unique<InferenceRequest>();
  // Every other top-level scalar is a parameter (as in Triton), and so is
  // everything in "parameters".
  for (auto field : body) {
    if (field.key == "text_input" || field.key == "parameters") continue;
    const auto t = field.value.type();
    const std::string key(field.key);
    if (t == dom::element_type::BOOL) request->parameters[key] = bool(field.value.get_bool().value_unsafe());
    else if (t == dom::element_type::INT64) request->parameters[key] = field.value.get_int64().value_unsafe();
    else if (t == dom::element_type::DOUBLE || t == dom::element_type::UINT64) request->parameters[key] = field.value.get_double().value_unsafe();
    else if (t == dom::element_type::STRING) request->parameters[key] = std::string(field.value.get_string().value_unsafe());
    else return ErrorReply(400, "field '" + key + "' must be a boolean, number or string");
  }
  dom::element extra;
  if (body.at_key("parameters").get(extra) == simdjson::SUCCESS) {
    Status read = ReadParameters(extra, "parameters", &request->parameters);
    if (!read.ok()) return StatusReply(read);
  }
  request->parameters["stream"] = true;
  Tensor input("text_input", DataType::kBytes, {1});
  std::vector<uint8_t> bytes;
  AppendBytesElement(&bytes, text);
  input.SetOwned(std::move(bytes));
  request->inputs.push_back(std::move(input));
  request->model_name = model;
  request->model_version = mv->version();
  request->times.received_ns = r.received_ns;
  PendingGenerate pending;
  pending.formatter = MakeGenerateFormatter(model, mv->version(), stream);
  pending.version = std::move(mv);
  pending.request = std::move(request);
  return pending;
}

}  // namespace strato::http
