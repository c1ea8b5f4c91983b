// The `voice_assistant` backend: speech in, spoken answer out, in one
// request. Three stages, each timed: recognition with a JSGF command grammar
// (the intent is the recognised sentence), a rule-based answer for the
// intent, and synthesis of the answer.
//
// Wire contract: input "audio" BYTES [1] (a file); outputs "text" (what was
// heard), "answer" (the reply text) and "audio" (the reply, encoded) BYTES
// [1]; response parameters asr_ms, intent_ms, tts_ms, content_type.
// Config parameters: grammar (JSGF file in the version folder, default
// grammar.jsgf), voice, response_format, sample_rate.
#include <ctime>
#include <fstream>
#include <sstream>

#include "params.h"
#include "strato/speech/audio.h"
#include "strato/speech/recognizer.h"
#include "strato/speech/speech_backends.h"
#include "strato/speech/synthesizer.h"

namespace strato::speech {
namespace {

double MsSince(uint64_t start_ns) { return static_cast<double>(NowNs() - start_ns) / 1e6; }

// The reply to a recognised command. Commands the rules do not know are
// acknowledged as heard.
std::string Answer(const std::string& heard) {
  if (heard.empty()) return "sorry, I did not catch that";
  if (heard == "what time is it") {
    const std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    char buf[64];
    std::snprintf(buf, sizeof(buf), "it is %d %02d", local.tm_hour, local.tm_min);
    return buf;
  }
  if (heard.starts_with("what is the weather"))
    return "I cannot see the sky from here, but I hope it is sunny";
  if (heard.starts_with("turn on ")) return "turning on " + heard.substr(8);
  if (heard.starts_with("turn off ")) return "turning off " + heard.substr(9);
  if (heard == "good morning" || heard == "good night") return heard + " to you too";
  return "okay, " + heard;
}

struct AssistantSettings {
  RecognizerConfig recognizer;
  SynthesisOptions voice;
  AudioFormat format = AudioFormat::kWav;
};

class AssistantInstance final : public ModelInstance {
 public:
  AssistantInstance(std::unique_ptr<Recognizer> recognizer, AssistantSettings settings,
                    int64_t version)
      : recognizer_(std::move(recognizer)), settings_(std::move(settings)), version_(version) {}

  void Execute(std::vector<std::unique_ptr<InferenceRequest>>& batch) override {
    for (auto& request : batch) {
      if (!request) continue;
      if (Status s = Run(*request); !s.ok()) RespondWithError(*request, version_, s);
    }
  }

 private:
  Status Run(const InferenceRequest& request) {
    const Tensor* in = request.FindInput(kAudioInput);
    if (in == nullptr) return InvalidArgumentError("input 'audio' is missing");
    ASSIGN_OR_RETURN(std::string_view bytes, SingleBytes(*in));
    uint64_t t0 = NowNs();
    auto pcm = DecodeAudio(bytes);
    if (!pcm.ok()) return pcm.status().WithPrefix("input 'audio'");
    auto heard = recognizer_->Recognize(pcm->samples);
    if (!heard.ok()) return heard.status();
    const double asr_ms = MsSince(t0);
    t0 = NowNs();
    const std::string answer = Answer(heard->text);
    const double intent_ms = MsSince(t0);
    t0 = NowNs();
    auto spoken = Synthesize(answer, settings_.voice);
    if (!spoken.ok()) return spoken.status();
    auto encoded = EncodeAudio(*spoken, settings_.format);
    if (!encoded.ok()) return encoded.status();
    const double tts_ms = MsSince(t0);
    auto response = MakeResponse(request, version_);
    response->outputs.push_back(BytesTensor("text", heard->text));
    response->outputs.push_back(BytesTensor("answer", answer));
    response->outputs.push_back(BytesTensor(kAudioOutput, *encoded));
    response->parameters["asr_ms"] = asr_ms;
    response->parameters["intent_ms"] = intent_ms;
    response->parameters["tts_ms"] = tts_ms;
    response->parameters["audio_seconds"] = pcm->seconds();
    response->parameters["content_type"] = std::string(AudioContentType(settings_.format));
    if (request.sink) request.sink->Send(std::move(response), /*final=*/true);
    return Status::Ok();
  }

  std::unique_ptr<Recognizer> recognizer_;
  const AssistantSettings settings_;
  const int64_t version_;
};

class AssistantModel final : public Model {
 public:
  AssistantModel(AssistantSettings settings, int64_t version)
      : settings_(std::move(settings)), version_(version) {}
  StatusOr<std::unique_ptr<ModelInstance>> CreateInstance(int /*index*/) override {
    ASSIGN_OR_RETURN(auto recognizer, Recognizer::Create(settings_.recognizer));
    return std::unique_ptr<ModelInstance>(
        std::make_unique<AssistantInstance>(std::move(recognizer), settings_, version_));
  }

 private:
  const AssistantSettings settings_;
  const int64_t version_;
};

void AddBytes(google::protobuf::RepeatedPtrField<inference::ModelOutput>* outs,
              std::string_view name) {
  auto* out = outs->Add();
  out->set_name(std::string(name));
  out->set_data_type(inference::TYPE_STRING);
  out->add_dims(1);
}

class AssistantBackend final : public Backend {
 public:
  std::string_view name() const override { return "voice_assistant"; }

  Status AutoCompleteConfig(const std::filesystem::path& /*version_dir*/,
                            inference::ModelConfig* config) const override {
    if (config->input_size() == 0) {
      auto* in = config->add_input();
      in->set_name(std::string(kAudioInput));
      in->set_data_type(inference::TYPE_STRING);
      in->add_dims(1);
    }
    if (config->output_size() == 0) {
      for (std::string_view n : {"text", "answer", "audio"}) AddBytes(config->mutable_output(), n);
    }
    return Status::Ok();
  }

  StatusOr<std::unique_ptr<Model>> LoadModel(const ModelLoadContext& context) const override {
    if (context.config == nullptr) return InvalidArgumentError("voice_assistant: no model config");
    const inference::ModelConfig& config = *context.config;
    const std::string where = "voice_assistant model '" + config.name() + "'";
    AssistantSettings s;
    s.recognizer.mode = RecognizerMode::kGrammar;
    s.recognizer.segment_on_silence = false;
    const auto path = context.version_dir / ConfigParameter(config, "grammar", "grammar.jsgf");
    std::ifstream in(path);
    if (!in) return InvalidArgumentError(where + ": cannot read the grammar " + path.string());
    std::ostringstream text;
    text << in.rdbuf();
    s.recognizer.grammar = text.str();
    if (auto v = ConfigParameter(config, "voice"); !v.empty()) s.voice.voice = v;
    s.voice.sample_rate = 24000;
    if (auto f = ConfigParameter(config, "response_format"); !f.empty()) {
      auto parsed = ParseAudioFormat(f);
      if (!parsed.ok()) return parsed.status().WithPrefix(where);
      s.format = *parsed;
    }
    auto probe = Recognizer::Create(s.recognizer);
    if (!probe.ok()) return probe.status().WithPrefix(where);
    return std::unique_ptr<Model>(std::make_unique<AssistantModel>(std::move(s), context.version));
  }
};

}  // namespace

std::shared_ptr<const Backend> MakeAssistantBackend() {
  return std::make_shared<AssistantBackend>();
}

}  // namespace strato::speech
