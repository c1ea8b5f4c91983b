// OpenAI response bodies and SSE events, and the generate extension's.
#include <atomic>
#include <chrono>
#include <optional>
#include <utility>
#include <vector>

#include "openai.h"

namespace strato::http {
namespace {

std::string NextId(std::string_view prefix) {
  static std::atomic<uint64_t> counter{0};
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%llx%06llx",
                static_cast<unsigned long long>(std::chrono::duration_cast<std::chrono::seconds>(now).count()),
                static_cast<unsigned long long>(counter.fetch_add(1) & 0xFFFFFF));
  return std::string(prefix) + buf;
}

int64_t UnixSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string_view OutputText(const InferenceResponse& r) {
  for (const auto& t : r.outputs) {
    // BYTES element: 4-byte little-endian length, then the bytes.
    if (t.byte_size() < 4) continue;
    uint32_t n = 0;
    std::memcpy(&n, t.data(), 4);
    if (4 + static_cast<size_t>(n) > t.byte_size()) continue;
    return std::string_view(reinterpret_cast<const char*>(t.data()) + 4, n);
  }
  return {};
}

int64_t IntParam(const InferenceResponse& r, std::string_view key) {
  auto it = r.parameters.find(key);
  if (it == r.parameters.end()) return 0;
  if (const auto* v = std::get_if<int64_t>(&it->second)) return *v;
  return 0;
}
std::string StringParam(const InferenceResponse& r, std::string_view key) {
  auto it = r.parameters.find(key);
  if (it == r.parameters.end()) return {};
  if (const auto* v = std::get_if<std::string>(&it->second)) return *v;
  return {};
}
std::optional<double> DoubleParam(const InferenceResponse& r, std::string_view key) {
  auto it = r.parameters.find(key);
  if (it == r.parameters.end()) return std::nullopt;
  if (const auto* v = std::get_if<double>(&it->second)) return *v;
  return std::nullopt;
}

std::string_view ErrorType(int status) {
  if (status == 404) return "not_found_error";
  if (status == 503 || status == 429) return "server_overloaded";
  if (status >= 500) return "server_error";
  return "invalid_request_error";
}

void WriteError(JsonWriter& w, int status, std::string_view message, std::string_view param, std::string_view code) {
  w.StartObject();
  w.Key("error");
  w.StartObject();
  w.Key("message");
  WriteString(w, message);
  w.Key("type");
  WriteString(w, ErrorType(status));
  w.Key("param");
  if (param.empty()) w.Null(); else WriteString(w, param);
  w.Key("code");
  if (code.empty()) w.Null(); else WriteString(w, code);
  w.EndObject();
  w.EndObject();
}

struct TokenLogprob {
  std::string text;
  double logprob;
  std::vector<std::pair<std::string, double>> top;  // alternatives, most likely first
};

// The chosen token's log-probability and its alternatives, from the
// response parameters of one generated token.
std::optional<TokenLogprob> ReadLogprob(const InferenceResponse& r, std::string_view text) {
  auto lp = DoubleParam(r, "logprob");
  if (!lp) return std::nullopt;
  TokenLogprob out{std::string(text), *lp, {}};
  for (int i = 0;; ++i) {
    const std::string key = "top_logprob." + std::to_string(i) + ".";
    std::string token = StringParam(r, key + "token");
    auto value = DoubleParam(r, key + "logprob");
    if (!value) break;
    out.top.emplace_back(std::move(token), *value);
  }
  return out;
}

void WriteBytes(JsonWriter& w, std::string_view text) {
  w.Key("bytes");
  w.StartArray();
  for (unsigned char c : text) w.Int(c);
  w.EndArray();
}

class OpenAIFormatter final : public GenerationFormatter {
 public:
  explicit OpenAIFormatter(OpenAICall call)
      : call_(std::move(call)),
        id_(NextId(call_.kind == OpenAIKind::kChat ? "chatcmpl-" : "cmpl-")),
        created_(UnixSeconds()) {}

  bool streaming() const override { return call_.stream; }

  std::string Chunk(const InferenceResponse& r, bool final) override {
    if (!r.status.ok()) {
      // Mid-stream failure: an error event, then the end marker.
      JsonBuffer b;
      JsonWriter w(b);
      const int status = HttpStatusFor(r.status);
      WriteError(w, status, r.status.message(), {}, {});
      return "data: " + std::string(b.GetString(), b.GetSize()) + "\n\ndata: [DONE]\n\n";
    }
    const std::string_view text = OutputText(r);
    if (!call_.stream) {
      text_.append(text);
      if (call_.logprobs && !final) {
        if (auto lp = ReadLogprob(r, text)) logprobs_.push_back(std::move(*lp));
      }
      if (final) Usage(r);
      return {};
    }
    std::string out;
    if (!sent_role_ && call_.kind == OpenAIKind::kChat) {
      sent_role_ = true;
      out += Event(std::string_view(), std::nullopt, true, {});
    }
    if (!final) {
      std::optional<TokenLogprob> lp;
      if (call_.logprobs) lp = ReadLogprob(r, text);
      out += Event(text, lp, false, {});
      return out;
    }
    Usage(r);
    if (!text.empty()) out += Event(text, std::nullopt, false, {});
    out += Event({}, std::nullopt, false, finish_reason_);
    if (call_.include_usage) out += UsageEvent();
    out += "data: [DONE]\n\n";
    return out;
  }

  Reply Error(const Status& status) override { return OpenAIStatusError(status); }

  Reply Finish() override {
    JsonBuffer b;
    JsonWriter w(b);
    const bool chat = call_.kind == OpenAIKind::kChat;
    w.StartObject();
    Head(w, chat ? "chat.completion" : "text_completion");
    w.Key("choices");
    w.StartArray();
    w.StartObject();
    w.Key("index");
    w.Int(0);
    if (chat) {
      w.Key("message");
      w.StartObject();
      w.Key("role");
      w.String("assistant");
      w.Key("content");
      WriteString(w, text_);
      w.EndObject();
    } else {
      w.Key("text");
      WriteString(w, text_);
    }
    w.Key("logprobs");
    if (call_.logprobs) WriteLogprobs(w, logprobs_); else w.Null();
    w.Key("finish_reason");
    WriteString(w, finish_reason_);
    w.EndObject();
    w.EndArray();
    w.Key("usage");
    WriteUsage(w);
    w.EndObject();
    Reply reply;
    reply.body.assign(b.GetString(), b.GetSize());
    return reply;
  }

 private:
  void Usage(const InferenceResponse& r) {
    prompt_tokens_ = IntParam(r, "prompt_tokens");
    completion_tokens_ = IntParam(r, "completion_tokens");
    cached_tokens_ = IntParam(r, "cached_tokens");
    finish_reason_ = StringParam(r, "finish_reason");
    if (finish_reason_.empty()) finish_reason_ = "stop";
  }

  void Head(JsonWriter& w, std::string_view object) const {
    w.Key("id");
    WriteString(w, id_);
    w.Key("object");
    WriteString(w, object);
    w.Key("created");
    w.Int64(created_);
    w.Key("model");
    WriteString(w, call_.model);
  }

  void WriteUsage(JsonWriter& w) const {
    w.StartObject();
    w.Key("prompt_tokens");
    w.Int64(prompt_tokens_);
    w.Key("completion_tokens");
    w.Int64(completion_tokens_);
    w.Key("total_tokens");
    w.Int64(prompt_tokens_ + completion_tokens_);
    w.Key("prompt_tokens_details");
    w.StartObject();
    w.Key("cached_tokens");
    w.Int64(cached_tokens_);
    w.EndObject();
    w.EndObject();
  }

  void WriteLogprobs(JsonWriter& w, const std::vector<TokenLogprob>& items) const {
    w.StartObject();
    if (call_.kind == OpenAIKind::kChat) {
      w.Key("content");
      w.StartArray();
      for (const auto& t : items) {
        w.StartObject();
        w.Key("token");
        WriteString(w, t.text);
        w.Key("logprob");
        w.Double(t.logprob);
        WriteBytes(w, t.text);
        w.Key("top_logprobs");
        w.StartArray();
        for (const auto& [token, logprob] : t.top) {
          w.StartObject();
          w.Key("token");
          WriteString(w, token);
          w.Key("logprob");
          w.Double(logprob);
          WriteBytes(w, token);
          w.EndObject();
        }
        w.EndArray();
        w.EndObject();
      }
      w.EndArray();
    } else {
      w.Key("tokens");
      w.StartArray();
      for (const auto& t : items) WriteString(w, t.text);
      w.EndArray();
      w.Key("token_logprobs");
      w.StartArray();
      for (const auto& t : items) w.Double(t.logprob);
      w.EndArray();
      // Per position an object {token: logprob} of the alternatives (null when none were asked).
      w.Key("top_logprobs");
      if (call_.top_logprobs > 0) {
        w.StartArray();
        for (const auto& t : items) {
          w.StartObject();
          for (const auto& [token, logprob] : t.top) {
            WriteString(w, token);
            w.Double(logprob);
          }
          w.EndObject();
        }
        w.EndArray();
      } else {
        w.Null();
      }
    }
    w.EndObject();
  }

  // One SSE event with one choice.
  std::string Event(std::string_view text, const std::optional<TokenLogprob>& lp, bool role,
                    std::string_view finish) const {
    JsonBuffer b;
    JsonWriter w(b);
    const bool chat = call_.kind == OpenAIKind::kChat;
    w.StartObject();
    Head(w, chat ? "chat.completion.chunk" : "text_completion");
    w.Key("choices");
    w.StartArray();
    w.StartObject();
    w.Key("index");
    w.Int(0);
    if (chat) {
      w.Key("delta");
      w.StartObject();
      if (role) {
        w.Key("role");
        w.String("assistant");
        w.Key("content");
        w.String("");
      } else if (finish.empty()) {
        w.Key("content");
        WriteString(w, text);
      }
      w.EndObject();
    } else {
      w.Key("text");
      WriteString(w, text);
    }
    w.Key("logprobs");
    if (lp) WriteLogprobs(w, {*lp}); else w.Null();
    w.Key("finish_reason");
    if (finish.empty()) w.Null(); else WriteString(w, finish);
    w.EndObject();
    w.EndArray();
    if (call_.include_usage) {
      w.Key("usage");
      w.Null();
    }
    w.EndObject();
    return "data: " + std::string(b.GetString(), b.GetSize()) + "\n\n";
  }

  std::string UsageEvent() const {
    JsonBuffer b;
    JsonWriter w(b);
    w.StartObject();
    Head(w, call_.kind == OpenAIKind::kChat ? "chat.completion.chunk" : "text_completion");
    w.Key("choices");
    w.StartArray();
    w.EndArray();
    w.Key("usage");
    WriteUsage(w);
    w.EndObject();
    return "data: " + std::string(b.GetString(), b.GetSize()) + "\n\n";
  }

  const OpenAICall call_;
  const std::string id_;
  const int64_t created_;
  bool sent_role_ = false;
  std::string text_;
  std::vector<TokenLogprob> logprobs_;
  std::string finish_reason_ = "stop";
  int64_t prompt_tokens_ = 0;
  int64_t completion_tokens_ = 0;
  int64_t cached_tokens_ = 0;
};

// KServe generate extension: {"model_name", "model_version", "text_output", ...}.
class GenerateFormatter final : public GenerationFormatter {
 public:
  GenerateFormatter(std::string model, int64_t version, bool stream)
      : model_(std::move(model)), version_(version), stream_(stream) {}
  bool streaming() const override { return stream_; }

  std::string Chunk(const InferenceResponse& r, bool final) override {
    if (!r.status.ok()) {
      JsonBuffer b;
      JsonWriter w(b);
      w.StartObject();
      w.Key("error");
      WriteString(w, r.status.message());
      w.EndObject();
      return "data: " + std::string(b.GetString(), b.GetSize()) + "\n\n";
    }
    if (!stream_) {
      text_.append(OutputText(r));
      if (final) last_ = Body(text_, r, true);
      return {};
    }
    return "data: " + Body(OutputText(r), r, final) + "\n\n";
  }
  Reply Error(const Status& status) override { return StatusReply(status); }
  Reply Finish() override {
    Reply reply;
    reply.body = std::move(last_);
    return reply;
  }

 private:
  std::string Body(std::string_view text, const InferenceResponse& r, bool final) const {
    JsonBuffer b;
    JsonWriter w(b);
    w.StartObject();
    w.Key("model_name");
    WriteString(w, model_);
    w.Key("model_version");
    WriteString(w, std::to_string(version_));
    w.Key("text_output");
    WriteString(w, text);
    if (auto it = r.parameters.find("token_id"); it != r.parameters.end() && stream_) {
      if (const auto* id = std::get_if<int64_t>(&it->second)) {
        w.Key("token_id");
        w.Int64(*id);
      }
    }
    if (final) {
      w.Key("finish_reason");
      WriteString(w, StringParam(r, "finish_reason"));
      w.Key("prompt_tokens");
      w.Int64(IntParam(r, "prompt_tokens"));
      w.Key("completion_tokens");
      w.Int64(IntParam(r, "completion_tokens"));
    }
    w.EndObject();
    return std::string(b.GetString(), b.GetSize());
  }

  const std::string model_;
  const int64_t version_;
  const bool stream_;
  std::string text_;
  std::string last_;
};

}  // namespace

Reply OpenAIError(int status, std::string_view message, std::string_view param, std::string_view code) {
  JsonBuffer b;
  JsonWriter w(b);
  WriteError(w, status, message, param, code);
  Reply reply;
  reply.status = status;
  reply.body.assign(b.GetString(), b.GetSize());
  return reply;
}

Reply OpenAIStatusError(const Status& status) {
  return OpenAIError(HttpStatusFor(status), status.message());
}

std::unique_ptr<GenerationFormatter> MakeOpenAIFormatter(OpenAICall call) {
  return std::make_unique<OpenAIFormatter>(std::move(call));
}

std::unique_ptr<GenerationFormatter> MakeGenerateFormatter(std::string model, int64_t version, bool stream) {
  return std::make_unique<GenerateFormatter>(std::move(model), version, stream);
}

}  // namespace strato::http
