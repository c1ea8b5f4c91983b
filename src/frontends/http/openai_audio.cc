// /v1/audio/transcriptions and /v1/audio/speech: request validation and
// building (see openai_audio.h), and the formatters that turn the speech
// models' responses into OpenAI's replies.
#include "openai_audio.h"

#include <charconv>
#include <cmath>

#include "multipart.h"
#include "openai.h"
#include "strato/core/tensor.h"

namespace strato::http {
namespace {

namespace dom = simdjson::dom;

bool Served(const ModelVersion& v, std::string_view backend) {
  return v.config().backend() == backend;
}

// The ready model `name`, served by `backend`, or the OpenAI error reply.
std::variant<std::shared_ptr<ModelVersion>, Reply> ResolveModel(const HandlerContext& ctx,
                                                                std::string_view name,
                                                                std::string_view backend,
                                                                std::string_view kind) {
  if (name.empty()) return OpenAIError(400, "'model' is required", "model");
  auto got = ctx.manager->Get(std::string(name), -1);
  if (!got.ok()) {
    return OpenAIError(
        400, "model '" + std::string(name.substr(0, 200)) + "' does not exist or is not ready",
        "model", "model_not_found");
  }
  if (!Served(**got, backend)) {
    return OpenAIError(400,
                       "model '" + std::string(name) + "' is not a " + std::string(kind) +
                           " model (backend '" + (*got)->config().backend() +
                           "'; this route needs the " + std::string(backend) + " backend)",
                       "model");
  }
  return std::move(got).value();
}

std::unique_ptr<InferenceRequest> NewRequest(const std::shared_ptr<ModelVersion>& model,
                                             const RequestView& r, std::string_view input,
                                             std::string_view value) {
  auto request = std::make_unique<InferenceRequest>();
  request->model_name = model->name();
  request->model_version = model->version();
  request->times.received_ns = r.received_ns;
  Tensor t(std::string(input), DataType::kBytes, {1});
  std::vector<uint8_t> bytes;
  AppendBytesElement(&bytes, value);
  t.SetOwned(std::move(bytes));
  request->inputs.push_back(std::move(t));
  return request;
}

// ---- transcriptions -------------------------------------------------------

double Seconds(dom::element e, std::string_view key) {
  double v = 0;
  if (e[key].get_double().get(v) != simdjson::SUCCESS) v = 0;
  return v;
}

enum class TranscriptFormat { kJson, kText, kSrt, kVtt, kVerboseJson };

struct Segment {
  double start = 0, end = 0;
  std::string text;
};
struct TimedWord {
  std::string word;
  double start = 0, end = 0;
};

class TranscriptionFormatter final : public GenerationFormatter {
 public:
  TranscriptionFormatter(TranscriptFormat format, bool words, std::string language)
      : format_(format), words_(words), language_(std::move(language)) {}

  bool streaming() const override { return false; }

  std::string Chunk(const InferenceResponse& r, bool final) override {
    if (!final || !r.status.ok()) return {};
    for (const Tensor& t : r.outputs) {
      std::string_view value;
      (void)ForEachBytesElement(t.bytes(), [&](std::string_view e) { value = e; });
      if (t.name() == "text") text_ = std::string(value);
      if (t.name() == "segments") segments_json_ = std::string(value);
    }
    if (auto it = r.parameters.find("audio_seconds"); it != r.parameters.end()) {
      if (const auto* d = std::get_if<double>(&it->second)) duration_ = *d;
    }
    return {};
  }

  Reply Error(const Status& status) override { return OpenAIStatusError(status); }

  Reply Finish() override {
    ParseSegments();
    switch (format_) {
      case TranscriptFormat::kText: return Plain(text_ + "\n", "text/plain; charset=utf-8");
      case TranscriptFormat::kSrt: return Plain(Subtitles(false), "application/x-subrip");
      case TranscriptFormat::kVtt: return Plain(Subtitles(true), "text/vtt; charset=utf-8");
      case TranscriptFormat::kVerboseJson: return Verbose();
      case TranscriptFormat::kJson: break;
    }
    JsonBuffer b;
    JsonWriter w(b);
    w.StartObject();
    w.Key("text");
    WriteString(w, text_);
    w.EndObject();
    return JsonReply(b);
  }

 private:
  static Reply Plain(std::string body, std::string_view type) {
    Reply reply;
    reply.content_type = type;
    reply.body = std::move(body);
    return reply;
  }

  void ParseSegments() {
    if (segments_json_.empty()) return;
    dom::parser parser;
    dom::element root;
    if (parser.parse(segments_json_).get(root) != simdjson::SUCCESS) return;
    dom::array segs;
    if (root["segments"].get_array().get(segs) != simdjson::SUCCESS) return;
    for (dom::element s : segs) {
      Segment seg;
      std::string_view text;
      seg.start = Seconds(s, "start");
      seg.end = Seconds(s, "end");
      if (s["text"].get_string().get(text) == simdjson::SUCCESS) seg.text = std::string(text);
      segments_.push_back(std::move(seg));
      dom::array words;
      if (s["words"].get_array().get(words) != simdjson::SUCCESS) continue;
      for (dom::element wd : words) {
        TimedWord word;
        std::string_view ws;
        if (wd["word"].get_string().get(ws) == simdjson::SUCCESS) word.word = std::string(ws);
        word.start = Seconds(wd, "start");
        word.end = Seconds(wd, "end");
        words_list_.push_back(std::move(word));
      }
    }
  }

  std::string Subtitles(bool vtt) const {
    std::string out = vtt ? "WEBVTT\n\n" : "";
    int n = 0;
    for (const Segment& s : segments_) {
      if (!vtt) out += std::to_string(++n) + "\n";
      out += SubtitleTime(s.start, vtt ? '.' : ',') + " --> " +
             SubtitleTime(s.end, vtt ? '.' : ',') + "\n";
      out += s.text + "\n\n";
    }
    return out;
  }

  Reply Verbose() const {
    JsonBuffer b;
    JsonWriter w(b);
    w.StartObject();
    w.Key("task");
    w.String("transcribe");
    w.Key("language");
    WriteString(w, language_);
    w.Key("duration");
    w.Double(duration_);
    w.Key("text");
    WriteString(w, text_);
    w.Key("segments");
    w.StartArray();
    int id = 0;
    for (const Segment& s : segments_) {
      w.StartObject();
      w.Key("id");
      w.Int(id++);
      w.Key("seek");
      w.Int(0);
      w.Key("start");
      w.Double(s.start);
      w.Key("end");
      w.Double(s.end);
      w.Key("text");
      WriteString(w, s.text);
      w.Key("tokens");
      w.StartArray();
      w.EndArray();
      w.Key("temperature");
      w.Double(0.0);
      w.Key("avg_logprob");
      w.Double(0.0);
      w.Key("compression_ratio");
      w.Double(1.0);
      w.Key("no_speech_prob");
      w.Double(0.0);
      w.EndObject();
    }
    w.EndArray();
    if (words_) {
      w.Key("words");
      w.StartArray();
      for (const TimedWord& word : words_list_) {
        w.StartObject();
        w.Key("word");
        WriteString(w, word.word);
        w.Key("start");
        w.Double(word.start);
        w.Key("end");
        w.Double(word.end);
        w.EndObject();
      }
      w.EndArray();
    }
    w.EndObject();
    return JsonReply(b);
  }

  const TranscriptFormat format_;
  const bool words_;
  const std::string language_;
  std::string text_;
  std::string segments_json_;
  double duration_ = 0;
  std::vector<Segment> segments_;
  std::vector<TimedWord> words_list_;
};

RouteResult Transcriptions(const HandlerContext& ctx, const RequestView& r) {
  auto boundary = MultipartBoundary(r.content_type);
  if (!boundary.ok()) return OpenAIError(400, boundary.status().message());
  auto parts_or = ParseMultipart(*r.body, *boundary);
  if (!parts_or.ok()) return OpenAIError(400, parts_or.status().message());
  const std::vector<MultipartPart>& parts = *parts_or;
  auto field = [&](std::string_view name) -> std::string_view {
    const MultipartPart* p = FindPart(parts, name);
    return p != nullptr ? p->data : std::string_view();
  };

  const MultipartPart* file = FindPart(parts, "file");
  if (file == nullptr)
    return OpenAIError(400, "'file' is required: the audio file as a multipart file part", "file");
  if (file->data.empty()) return OpenAIError(400, "'file' is empty (0 bytes)", "file");

  TranscriptFormat format = TranscriptFormat::kJson;
  const std::string_view fmt = field("response_format");
  if (fmt == "text")
    format = TranscriptFormat::kText;
  else if (fmt == "srt")
    format = TranscriptFormat::kSrt;
  else if (fmt == "vtt")
    format = TranscriptFormat::kVtt;
  else if (fmt == "verbose_json")
    format = TranscriptFormat::kVerboseJson;
  else if (!fmt.empty() && fmt != "json") {
    return OpenAIError(400,
                       "'response_format' must be json, text, srt, vtt or verbose_json (got '" +
                           std::string(fmt.substr(0, 40)) + "')",
                       "response_format");
  }
  if (const std::string_view t = field("temperature"); !t.empty()) {
    double v = 0;
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec != std::errc() || end != t.data() + t.size() || v < 0 || v > 1) {
      return OpenAIError(400, "'temperature' must be a number between 0 and 1", "temperature");
    }
    // Accepted and ignored: pocketsphinx decodes with a beam search, not sampling.
  }
  bool words = false;
  for (const MultipartPart& p : parts) {
    if (p.name != "timestamp_granularities[]" && p.name != "timestamp_granularities") continue;
    if (p.data == "word") {
      words = true;
    } else if (p.data != "segment") {
      return OpenAIError(400, "'timestamp_granularities' entries must be word or segment",
                         "timestamp_granularities");
    }
  }
  const std::string_view language = field("language");
  if (!language.empty() && language != "en") {
    return OpenAIError(400,
                       "'language' '" + std::string(language.substr(0, 20)) +
                           "' is not supported; the models hear English (en)",
                       "language");
  }

  auto model = ResolveModel(ctx, field("model"), "pocketsphinx", "speech recognition");
  if (auto* error = std::get_if<Reply>(&model)) return std::move(*error);
  auto mv = std::get<std::shared_ptr<ModelVersion>>(std::move(model));
  auto request = NewRequest(mv, r, "audio", file->data);
  PendingGenerate pending;
  pending.version = std::move(mv);
  pending.request = std::move(request);
  pending.formatter = std::make_unique<TranscriptionFormatter>(format, words, "english");
  return pending;
}

// ---- speech ---------------------------------------------------------------

struct SpeechFormat {
  std::string_view name;
  std::string_view content_type;
};
constexpr SpeechFormat kSpeechFormats[] = {
    {"wav", "audio/wav"},  {"pcm", "audio/pcm"},  {"flac", "audio/flac"},
    {"mp3", "audio/mpeg"}, {"opus", "audio/ogg"}, {"ogg", "audio/ogg"},
};

class SpeechFormatter final : public GenerationFormatter {
 public:
  explicit SpeechFormatter(std::string_view content_type) : content_type_(content_type) {}
  bool streaming() const override { return false; }
  std::string Chunk(const InferenceResponse& r, bool final) override {
    if (!final || !r.status.ok()) return {};
    for (const Tensor& t : r.outputs) {
      if (t.name() != "audio") continue;
      (void)ForEachBytesElement(t.bytes(), [&](std::string_view e) { audio_ = std::string(e); });
    }
    return {};
  }
  Reply Error(const Status& status) override { return OpenAIStatusError(status); }
  Reply Finish() override {
    if (audio_.empty()) return OpenAIError(500, "the model returned no audio");
    Reply reply;
    reply.content_type = content_type_;
    reply.body = std::move(audio_);
    return reply;
  }

 private:
  const std::string_view content_type_;
  std::string audio_;
};

RouteResult Speech(const HandlerContext& ctx, const RequestView& r) {
  auto parsed = ParseJson(r.body->data(), r.body->size(), r.body->capacity(), "request body");
  if (!parsed.ok()) return OpenAIError(400, parsed.status().message(), {}, "invalid_json");
  dom::object body;
  if (parsed->get_object().get(body) != simdjson::SUCCESS)
    return OpenAIError(400, "the request body must be a JSON object");
  auto string_field = [&](std::string_view key, std::string_view* out) -> std::optional<Reply> {
    dom::element e;
    if (body.at_key(key).get(e) != simdjson::SUCCESS || e.is_null()) return std::nullopt;
    if (e.get_string().get(*out) != simdjson::SUCCESS) {
      return OpenAIError(400, "'" + std::string(key) + "' must be a string", key);
    }
    return std::nullopt;
  };
  std::string_view model_name, input, voice, fmt = "mp3";
  for (auto [key, out] : {std::pair{"model", &model_name}, std::pair{"input", &input},
                          std::pair{"voice", &voice}, std::pair{"response_format", &fmt}}) {
    if (auto bad = string_field(key, out)) return std::move(*bad);
  }
  if (input.empty()) return OpenAIError(400, "'input' is required: the text to speak", "input");
  if (input.size() > 4096) {
    return OpenAIError(
        400, "'input' is " + std::to_string(input.size()) + " characters; at most 4096", "input");
  }
  const SpeechFormat* format = nullptr;
  for (const SpeechFormat& f : kSpeechFormats) {
    if (f.name == fmt) format = &f;
  }
  if (format == nullptr) {
    return OpenAIError(400,
                       "'response_format' '" + std::string(fmt.substr(0, 20)) +
                           "' is not supported; use wav, pcm, flac, mp3 or opus",
                       "response_format");
  }
  double speed = 1.0;
  dom::element e;
  if (body.at_key("speed").get(e) == simdjson::SUCCESS && !e.is_null()) {
    if (e.get_double().get(speed) != simdjson::SUCCESS) {
      int64_t i = 0;
      if (e.get_int64().get(i) != simdjson::SUCCESS)
        return OpenAIError(400, "'speed' must be a number", "speed");
      speed = static_cast<double>(i);
    }
    if (!(speed >= 0.25 && speed <= 4.0))
      return OpenAIError(400, "'speed' must be between 0.25 and 4.0", "speed");
  }
  auto model = ResolveModel(ctx, model_name, "tts", "speech synthesis");
  if (auto* error = std::get_if<Reply>(&model)) return std::move(*error);
  auto mv = std::get<std::shared_ptr<ModelVersion>>(std::move(model));
  auto request = NewRequest(mv, r, "text", input);
  if (!voice.empty()) request->parameters["voice"] = std::string(voice);
  request->parameters["speed"] = speed;
  request->parameters["response_format"] = std::string(format->name);
  PendingGenerate pending;
  pending.version = std::move(mv);
  pending.request = std::move(request);
  pending.formatter = std::make_unique<SpeechFormatter>(format->content_type);
  return pending;
}

}  // namespace

std::string SubtitleTime(double seconds, char separator) {
  const auto ms = static_cast<int64_t>(std::llround(std::max(0.0, seconds) * 1000.0));
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%02lld:%02lld:%02lld%c%03lld",
                static_cast<long long>(ms / 3600000), static_cast<long long>(ms / 60000 % 60),
                static_cast<long long>(ms / 1000 % 60), separator,
                static_cast<long long>(ms % 1000));
  return buf;
}

RouteResult HandleOpenAIAudio(const HandlerContext& ctx, const RequestView& r,
                              std::string_view path) {
  const bool post = r.method == Method::kPost;
  if (path == "/v1/audio/transcriptions") {
    return post ? Transcriptions(ctx, r) : OpenAIError(405, "use POST on /v1/audio/transcriptions");
  }
  if (path == "/v1/audio/speech")
    return post ? Speech(ctx, r) : OpenAIError(405, "use POST on /v1/audio/speech");
  return OpenAIError(404, "no route for '" + std::string(path.substr(0, 200)) +
                              "'; audio routes are /v1/audio/transcriptions and /v1/audio/speech");
}

}  // namespace strato::http
