// The `pocketsphinx` backend: one Recognizer per instance, audio decoded and
// resampled per request, transcript and segments out.
#include <fstream>
#include <sstream>

#include "params.h"
#include "strato/speech/audio.h"
#include "strato/speech/recognizer.h"
#include "strato/speech/speech_backends.h"
#include "stream_pool.h"
#include "transcript_json.h"

namespace strato::speech {
namespace {

struct AsrSettings {
  RecognizerConfig recognizer;
  double max_audio_seconds = 600;
  int max_streams = 8;
};

StatusOr<AsrSettings> ReadSettings(const ModelLoadContext& context) {
  const inference::ModelConfig& config = *context.config;
  AsrSettings s;
  RecognizerConfig& r = s.recognizer;
  const std::string mode = ConfigParameter(config, "mode", "lm");
  if (mode == "lm") {
    r.mode = RecognizerMode::kLanguageModel;
  } else if (mode == "grammar") {
    r.mode = RecognizerMode::kGrammar;
    r.segment_on_silence = false;  // a command is one utterance, pauses and all
    const std::string file = ConfigParameter(config, "grammar", "grammar.jsgf");
    const auto path = context.version_dir / file;
    std::ifstream in(path);
    if (!in) return InvalidArgumentError("config parameter grammar: cannot read " + path.string());
    std::ostringstream text;
    text << in.rdbuf();
    r.grammar = text.str();
  } else if (mode == "keyphrase") {
    r.mode = RecognizerMode::kKeyphrase;
    r.keyphrase = ConfigParameter(config, "keyphrase");
    ASSIGN_OR_RETURN(r.keyphrase_threshold, ConfigNumber(config, "keyphrase_threshold", 1e-20));
  } else {
    return InvalidArgumentError("config parameter mode: '" + mode +
                                "' is not one of lm, grammar, keyphrase");
  }
  if (auto v = ConfigParameter(config, "model_root"); !v.empty()) r.model_root = v;
  auto local = [&](std::string_view key) {
    std::string v = ConfigParameter(config, key);
    if (!v.empty() && v.front() != '/') v = (context.version_dir / v).string();
    return v;
  };
  r.acoustic_model = local("hmm");
  r.dictionary = local("dict");
  r.language_model = local("lm");
  ASSIGN_OR_RETURN(r.language_weight, ConfigNumber(config, "language_weight", 0));
  ASSIGN_OR_RETURN(r.word_insertion_penalty, ConfigNumber(config, "word_insertion_penalty", 0));
  ASSIGN_OR_RETURN(r.beam, ConfigNumber(config, "beam", 0));
  ASSIGN_OR_RETURN(r.segment_on_silence,
                   ConfigBool(config, "segment_on_silence", r.segment_on_silence));
  ASSIGN_OR_RETURN(r.reset_cmn, ConfigBool(config, "reset_cmn", false));
  ASSIGN_OR_RETURN(s.max_audio_seconds, ConfigNumber(config, "max_audio_seconds", 600));
  double streams = 0;
  ASSIGN_OR_RETURN(streams, ConfigNumber(config, "max_streams", s.max_streams));
  if (streams < 1 || streams > 1024) {
    return InvalidArgumentError("config parameter max_streams must be between 1 and 1024");
  }
  s.max_streams = static_cast<int>(streams);
  if (s.max_audio_seconds <= 0) {
    return InvalidArgumentError("config parameter max_audio_seconds must be positive");
  }
  return s;
}

// The request's audio as 16 kHz mono samples.
StatusOr<Pcm> RequestAudio(const InferenceRequest& request, double max_seconds) {
  const Tensor* file = request.FindInput(kAudioInput);
  const Tensor* pcm16 = request.FindInput(kAudioPcmInput);
  const Tensor* pcmf = request.FindInput(kAudioFloatInput);
  const int given = (file != nullptr) + (pcm16 != nullptr) + (pcmf != nullptr);
  if (given != 1) {
    return InvalidArgumentError(
        "send exactly one of the inputs 'audio' (BYTES: a file), 'audio_pcm' (INT16 samples) or "
        "'audio_float' (FP32 samples)");
  }
  DecodeOptions options;
  options.target_rate = Recognizer::kSampleRate;
  options.max_seconds = max_seconds;
  if (file != nullptr) {
    ASSIGN_OR_RETURN(std::string_view bytes, SingleBytes(*file));
    auto decoded = DecodeAudio(bytes, options);
    if (!decoded.ok()) return decoded.status().WithPrefix("input 'audio'");
    return decoded;
  }
  ASSIGN_OR_RETURN(auto rate_param, RequestNumber(request.parameters, "sample_rate"));
  const double rate = rate_param.value_or(Recognizer::kSampleRate);
  if (!(rate >= 1000 && rate <= 384000)) {
    return InvalidArgumentError("parameter 'sample_rate' must be between 1000 and 384000");
  }
  const Tensor& t = pcm16 != nullptr ? *pcm16 : *pcmf;
  const size_t width = pcm16 != nullptr ? 2 : 4;
  const size_t n = t.byte_size() / width;
  if (n == 0) return InvalidArgumentError("input '" + t.name() + "' holds no samples");
  if (static_cast<double>(n) / rate > max_seconds) {
    return InvalidArgumentError(
        "input '" + t.name() + "' is " + std::to_string(static_cast<int64_t>(n / rate)) +
        " s long; at most " + std::to_string(static_cast<int64_t>(max_seconds)) + " s");
  }
  std::vector<float> mono(n);
  for (size_t i = 0; i < n; ++i) {
    mono[i] = pcm16 != nullptr ? static_cast<float>(t.ReadElement<int16_t>(i)) / 32768.0f
                               : t.ReadElement<float>(i);
  }
  ASSIGN_OR_RETURN(auto samples,
                   ResampleToInt16(mono, static_cast<int>(rate), Recognizer::kSampleRate));
  return Pcm{std::move(samples), Recognizer::kSampleRate};
}

// The sequence id of a streaming chunk (int or string), or nullopt.
StatusOr<std::optional<std::string>> SequenceId(const Parameters& p) {
  auto it = p.find("sequence_id");
  if (it == p.end()) return std::optional<std::string>();
  if (const auto* i = std::get_if<int64_t>(&it->second)) {
    if (*i == 0) return std::optional<std::string>();  // Triton: 0 means "not a sequence"
    return std::optional<std::string>(std::to_string(*i));
  }
  if (const auto* s = std::get_if<std::string>(&it->second)) {
    if (s->empty()) return std::optional<std::string>();
    return std::optional<std::string>(*s);
  }
  return InvalidArgumentError("parameter 'sequence_id' must be an integer or a string");
}

bool Flag(const Parameters& p, std::string_view key) {
  auto it = p.find(key);
  if (it == p.end()) return false;
  if (const auto* b = std::get_if<bool>(&it->second)) return *b;
  return false;
}

std::string JoinSegments(const std::vector<Segment>& segments, const std::string& tail = {}) {
  std::string out;
  for (const Segment& s : segments) {
    if (!out.empty()) out += ' ';
    out += s.text;
  }
  if (!tail.empty()) {
    if (!out.empty()) out += ' ';
    out += tail;
  }
  return out;
}

class AsrInstance final : public ModelInstance {
 public:
  AsrInstance(std::unique_ptr<Recognizer> recognizer, std::shared_ptr<StreamPool> streams,
              double max_seconds, int64_t version)
      : recognizer_(std::move(recognizer)),
        streams_(std::move(streams)),
        max_seconds_(max_seconds),
        version_(version) {}

  void Execute(std::vector<std::unique_ptr<InferenceRequest>>& batch) override {
    for (auto& request : batch) {
      if (request) Run(*request);
    }
  }

 private:
  void Run(const InferenceRequest& request) {
    auto language = RequestString(request.parameters, "language");
    if (!language.ok()) return RespondWithError(request, version_, language.status());
    if (language->has_value() && !(*language)->empty() && **language != "en" &&
        **language != "en-US" && **language != "en-us") {
      return RespondWithError(request, version_,
                              InvalidArgumentError("parameter 'language': '" + **language +
                                                   "' is not supported; this model hears English "
                                                   "(en)"));
    }
    auto sequence = SequenceId(request.parameters);
    if (!sequence.ok()) return RespondWithError(request, version_, sequence.status());
    if (sequence->has_value()) {
      Status s = RunChunk(request, **sequence);
      if (!s.ok()) RespondWithError(request, version_, s);
      return;
    }
    auto audio = RequestAudio(request, max_seconds_);
    if (!audio.ok()) return RespondWithError(request, version_, audio.status());
    const uint64_t start = NowNs();
    auto transcript = recognizer_->Recognize(audio->samples);
    if (!transcript.ok()) return RespondWithError(request, version_, transcript.status());
    const double decode_ms = static_cast<double>(NowNs() - start) / 1e6;
    auto response = MakeResponse(request, version_);
    if (request.WantsOutput(kTextOutput)) {
      response->outputs.push_back(BytesTensor(kTextOutput, transcript->text));
    }
    if (request.WantsOutput(kSegmentsOutput)) {
      response->outputs.push_back(BytesTensor(kSegmentsOutput, TranscriptJson(*transcript)));
    }
    response->parameters["audio_seconds"] = transcript->audio_seconds;
    response->parameters["decode_ms"] = decode_ms;
    if (request.sink) request.sink->Send(std::move(response), /*final=*/true);
  }

  // One chunk of a stream: feeds it and answers the transcript so far (the
  // ended segments plus the current partial hypothesis), or on the last
  // chunk the final transcript.
  Status RunChunk(const InferenceRequest& request, const std::string& id) {
    const bool start = Flag(request.parameters, "sequence_start");
    const bool end = Flag(request.parameters, "sequence_end");
    if (start) {
      // A client that reopens an id it abandoned starts afresh.
      if (streams_->Find(id).ok()) streams_->Close(id);
    }
    ASSIGN_OR_RETURN(auto stream, start ? streams_->Open(id) : streams_->Find(id));
    const bool has_audio = request.FindInput(kAudioInput) != nullptr ||
                           request.FindInput(kAudioPcmInput) != nullptr ||
                           request.FindInput(kAudioFloatInput) != nullptr;
    Pcm pcm;
    if (has_audio || !end) {
      auto audio = RequestAudio(request, max_seconds_);
      if (!audio.ok()) {
        streams_->Close(id);
        return audio.status();
      }
      pcm = std::move(audio).value();
    }
    auto response = MakeResponse(request, version_);
    {
      std::lock_guard lock(stream->mu);
      if (stream->recognizer == nullptr) return NotFoundError("sequence '" + id + "' was closed");
      stream->last_used = std::chrono::steady_clock::now();
      stream->seconds += pcm.seconds();
      if (stream->seconds > max_seconds_) {
        (void)stream->recognizer->Finish();
        streams_->Close(id);
        return InvalidArgumentError("sequence '" + id + "' exceeds " +
                                    std::to_string(static_cast<int64_t>(max_seconds_)) +
                                    " s of audio");
      }
      auto ended = stream->recognizer->Feed(pcm.samples);
      if (!ended.ok()) return ended.status();
      for (Segment& seg : *ended) stream->done.push_back(std::move(seg));
      if (end) {
        auto rest = stream->recognizer->Finish();
        if (!rest.ok()) return rest.status();
        for (Segment& seg : *rest) stream->done.push_back(std::move(seg));
        Transcript t;
        t.segments = stream->done;
        t.text = JoinSegments(t.segments);
        t.audio_seconds = stream->seconds;
        response->outputs.push_back(BytesTensor(kTextOutput, t.text));
        response->outputs.push_back(BytesTensor(kSegmentsOutput, TranscriptJson(t)));
        response->parameters["audio_seconds"] = t.audio_seconds;
      } else {
        response->outputs.push_back(
            BytesTensor(kTextOutput, JoinSegments(stream->done, stream->recognizer->Partial())));
        response->parameters["partial"] = true;
        response->parameters["in_speech"] = stream->recognizer->InSpeech();
        response->parameters["segments_done"] = static_cast<int64_t>(stream->done.size());
      }
    }
    if (end) streams_->Close(id);
    response->parameters["sequence_end"] = end;
    if (request.sink) request.sink->Send(std::move(response), /*final=*/true);
    return Status::Ok();
  }

  std::unique_ptr<Recognizer> recognizer_;
  const std::shared_ptr<StreamPool> streams_;
  const double max_seconds_;
  const int64_t version_;
};

class AsrModel final : public Model {
 public:
  AsrModel(AsrSettings settings, int64_t version)
      : settings_(std::move(settings)),
        streams_(std::make_shared<StreamPool>(settings_.recognizer,
                                              static_cast<size_t>(settings_.max_streams),
                                              std::chrono::seconds(60))),
        version_(version) {}

  StatusOr<std::unique_ptr<ModelInstance>> CreateInstance(int /*index*/) override {
    ASSIGN_OR_RETURN(auto recognizer, Recognizer::Create(settings_.recognizer));
    return std::unique_ptr<ModelInstance>(std::make_unique<AsrInstance>(
        std::move(recognizer), streams_, settings_.max_audio_seconds, version_));
  }

 private:
  const AsrSettings settings_;
  const std::shared_ptr<StreamPool> streams_;
  const int64_t version_;
};

void AddInput(inference::ModelConfig* config, std::string_view name, inference::DataType type,
              int64_t dim) {
  auto* in = config->add_input();
  in->set_name(std::string(name));
  in->set_data_type(type);
  in->add_dims(dim);
  in->set_optional(true);
}

void AddOutput(inference::ModelConfig* config, std::string_view name) {
  auto* out = config->add_output();
  out->set_name(std::string(name));
  out->set_data_type(inference::TYPE_STRING);
  out->add_dims(1);
}

class PocketsphinxBackend final : public Backend {
 public:
  std::string_view name() const override { return "pocketsphinx"; }

  Status AutoCompleteConfig(const std::filesystem::path& /*version_dir*/,
                            inference::ModelConfig* config) const override {
    if (config->input_size() == 0) {
      AddInput(config, kAudioInput, inference::TYPE_STRING, 1);
      AddInput(config, kAudioPcmInput, inference::TYPE_INT16, -1);
      AddInput(config, kAudioFloatInput, inference::TYPE_FP32, -1);
    }
    if (config->output_size() == 0) {
      AddOutput(config, kTextOutput);
      AddOutput(config, kSegmentsOutput);
    }
    return Status::Ok();
  }

  StatusOr<std::unique_ptr<Model>> LoadModel(const ModelLoadContext& context) const override {
    if (context.config == nullptr) return InvalidArgumentError("pocketsphinx: no model config");
    auto settings = ReadSettings(context);
    if (!settings.ok()) {
      return settings.status().WithPrefix("pocketsphinx model '" + context.config->name() + "'");
    }
    // Fail at load, not at the first request, when the models are missing or
    // the grammar does not compile.
    auto probe = Recognizer::Create(settings->recognizer);
    if (!probe.ok()) {
      return probe.status().WithPrefix("pocketsphinx model '" + context.config->name() + "'");
    }
    return std::unique_ptr<Model>(
        std::make_unique<AsrModel>(std::move(settings).value(), context.version));
  }
};

}  // namespace

std::shared_ptr<const Backend> MakePocketsphinxBackend() {
  return std::make_shared<PocketsphinxBackend>();
}

}  // namespace strato::speech
