// The `pocketsphinx` backend: one Recognizer per instance, audio decoded and
// resampled per request, transcript and segments out.
#include <fstream>
#include <sstream>

#include "params.h"
#include "strato/speech/audio.h"
#include "strato/speech/recognizer.h"
#include "strato/speech/speech_backends.h"
#include "transcript_json.h"

namespace strato::speech {
namespace {

struct AsrSettings {
  RecognizerConfig recognizer;
  double max_audio_seconds = 600;
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
  ASSIGN_OR_RETURN(s.max_audio_seconds, ConfigNumber(config, "max_audio_seconds", 600));
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

class AsrInstance final : public ModelInstance {
 public:
  AsrInstance(std::unique_ptr<Recognizer> recognizer, double max_seconds, int64_t version)
      : recognizer_(std::move(recognizer)), max_seconds_(max_seconds), version_(version) {}

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

  std::unique_ptr<Recognizer> recognizer_;
  const double max_seconds_;
  const int64_t version_;
};

class AsrModel final : public Model {
 public:
  AsrModel(AsrSettings settings, int64_t version)
      : settings_(std::move(settings)), version_(version) {}

  StatusOr<std::unique_ptr<ModelInstance>> CreateInstance(int /*index*/) override {
    ASSIGN_OR_RETURN(auto recognizer, Recognizer::Create(settings_.recognizer));
    return std::unique_ptr<ModelInstance>(std::make_unique<AsrInstance>(
        std::move(recognizer), settings_.max_audio_seconds, version_));
  }

 private:
  const AsrSettings settings_;
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
