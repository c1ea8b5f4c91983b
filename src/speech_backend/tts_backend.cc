// The `tts` backend: text in, an encoded audio file out.
#include "params.h"
#include "strato/speech/audio.h"
#include "strato/speech/speech_backends.h"
#include "strato/speech/synthesizer.h"

namespace strato::speech {
namespace {

struct TtsDefaults {
  std::string voice = "espeak:en-us";
  AudioFormat format = AudioFormat::kWav;
  int sample_rate = 24000;  // OpenAI's output rate
};

class TtsInstance final : public ModelInstance {
 public:
  TtsInstance(TtsDefaults defaults, int64_t version)
      : defaults_(std::move(defaults)), version_(version) {}

  void Execute(std::vector<std::unique_ptr<InferenceRequest>>& batch) override {
    for (auto& request : batch) {
      if (!request) continue;
      Status s = Run(*request);
      if (!s.ok()) RespondWithError(*request, version_, s);
    }
  }

 private:
  Status Run(const InferenceRequest& request) {
    const Tensor* in = request.FindInput(kTextInput);
    if (in == nullptr) return InvalidArgumentError("input 'text' is missing");
    ASSIGN_OR_RETURN(std::string_view text, SingleBytes(*in));
    const Parameters& p = request.parameters;
    SynthesisOptions o;
    o.voice = defaults_.voice;
    o.sample_rate = defaults_.sample_rate;
    AudioFormat format = defaults_.format;
    ASSIGN_OR_RETURN(auto voice, RequestString(p, "voice"));
    if (voice && !voice->empty()) o.voice = *voice;
    ASSIGN_OR_RETURN(auto speed, RequestNumber(p, "speed"));
    if (speed) o.speed = *speed;
    ASSIGN_OR_RETURN(auto pitch, RequestNumber(p, "pitch"));
    if (pitch) o.pitch = *pitch;
    ASSIGN_OR_RETURN(auto rate, RequestNumber(p, "sample_rate"));
    if (rate) o.sample_rate = static_cast<int>(*rate);
    ASSIGN_OR_RETURN(auto fmt, RequestString(p, "response_format"));
    if (fmt && !fmt->empty()) {
      auto parsed = ParseAudioFormat(*fmt);
      if (!parsed.ok()) return parsed.status().WithPrefix("parameter 'response_format'");
      format = *parsed;
    }
    auto pcm = Synthesize(text, o);
    if (!pcm.ok()) return pcm.status();
    auto encoded = EncodeAudio(*pcm, format);
    if (!encoded.ok()) return encoded.status();
    auto response = MakeResponse(request, version_);
    response->outputs.push_back(BytesTensor(kAudioOutput, *encoded));
    response->parameters["content_type"] = std::string(AudioContentType(format));
    response->parameters["sample_rate"] = static_cast<int64_t>(pcm->sample_rate);
    response->parameters["audio_seconds"] = pcm->seconds();
    if (request.sink) request.sink->Send(std::move(response), /*final=*/true);
    return Status::Ok();
  }

  const TtsDefaults defaults_;
  const int64_t version_;
};

class TtsModel final : public Model {
 public:
  TtsModel(TtsDefaults defaults, int64_t version)
      : defaults_(std::move(defaults)), version_(version) {}
  StatusOr<std::unique_ptr<ModelInstance>> CreateInstance(int /*index*/) override {
    return std::unique_ptr<ModelInstance>(std::make_unique<TtsInstance>(defaults_, version_));
  }

 private:
  const TtsDefaults defaults_;
  const int64_t version_;
};

class TtsBackend final : public Backend {
 public:
  std::string_view name() const override { return "tts"; }

  Status AutoCompleteConfig(const std::filesystem::path& /*version_dir*/,
                            inference::ModelConfig* config) const override {
    if (config->input_size() == 0) {
      auto* in = config->add_input();
      in->set_name(std::string(kTextInput));
      in->set_data_type(inference::TYPE_STRING);
      in->add_dims(1);
    }
    if (config->output_size() == 0) {
      auto* out = config->add_output();
      out->set_name(std::string(kAudioOutput));
      out->set_data_type(inference::TYPE_STRING);
      out->add_dims(1);
    }
    return Status::Ok();
  }

  StatusOr<std::unique_ptr<Model>> LoadModel(const ModelLoadContext& context) const override {
    if (context.config == nullptr) return InvalidArgumentError("tts: no model config");
    const inference::ModelConfig& config = *context.config;
    const std::string where = "tts model '" + config.name() + "'";
    TtsDefaults d;
    if (auto v = ConfigParameter(config, "voice"); !v.empty()) d.voice = v;
    if (auto f = ConfigParameter(config, "response_format"); !f.empty()) {
      auto parsed = ParseAudioFormat(f);
      if (!parsed.ok())
        return parsed.status().WithPrefix(where + ": config parameter response_format");
      d.format = *parsed;
    }
    auto rate = ConfigNumber(config, "sample_rate", d.sample_rate);
    if (!rate.ok()) return rate.status().WithPrefix(where);
    d.sample_rate = static_cast<int>(*rate);
    // Speak once at load so that a bad voice fails here, not per request.
    SynthesisOptions probe;
    probe.voice = d.voice;
    probe.sample_rate = d.sample_rate;
    auto spoken = Synthesize("ok", probe);
    if (!spoken.ok()) return spoken.status().WithPrefix(where);
    return std::unique_ptr<Model>(std::make_unique<TtsModel>(std::move(d), context.version));
  }
};

}  // namespace

std::shared_ptr<const Backend> MakeTtsBackend() { return std::make_shared<TtsBackend>(); }

}  // namespace strato::speech
