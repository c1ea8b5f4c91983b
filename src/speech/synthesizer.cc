// Synthesize(): eSpeak NG and Flite behind one call, resampled on request.
#include "strato/speech/synthesizer.h"

#include <espeak-ng/speak_lib.h>
#include <flite/flite.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>

extern "C" {
cst_voice* register_cmu_us_kal(const char* voxdir);
cst_voice* register_cmu_us_kal16(const char* voxdir);
cst_voice* register_cmu_us_slt(const char* voxdir);
cst_voice* register_cmu_us_awb(const char* voxdir);
cst_voice* register_cmu_us_rms(const char* voxdir);
}

namespace strato::speech {
namespace {

struct VoiceAlias {
  std::string_view openai;
  std::string_view engine;
};
// OpenAI's voice names, each on a distinct engine voice.
constexpr VoiceAlias kAliases[] = {
    {"alloy", "espeak:en-us+f3"},
    {"echo", "flite:kal16"},
    {"fable", "espeak:en-gb"},
    {"onyx", "flite:awb"},
    {"nova", "flite:slt"},
    {"shimmer", "espeak:en-us+f4"},
    {"ash", "flite:rms"},
    {"ballad", "espeak:en-gb-x-rp"},
    {"coral", "espeak:en-us+f2"},
    {"sage", "espeak:en-029"},
    {"verse", "espeak:en-gb-scotland"},
};
constexpr std::string_view kFliteVoices[] = {"kal", "kal16", "slt", "awb", "rms"};

// ---- eSpeak NG ----------------------------------------------------------

std::mutex espeak_mutex;
int espeak_rate = 0;  // 0: not initialised; <0: initialisation failed

int EspeakCollect(short* wav, int n, espeak_EVENT* events) {
  if (wav != nullptr && n > 0 && events != nullptr && events->user_data != nullptr) {
    auto* out = static_cast<std::vector<int16_t>*>(events->user_data);
    out->insert(out->end(), wav, wav + n);
  }
  return 0;  // continue
}

// Language codes that are not voice file names ("en-gb" lives in gmw/en)
// are found by language; a "+variant" suffix is then dropped.
bool SetEspeakLanguage(const std::string& name) {
  const std::string language = name.substr(0, name.find('+'));
  espeak_VOICE wanted{};
  wanted.languages = language.c_str();
  return espeak_SetVoiceByProperties(&wanted) == EE_OK;
}

StatusOr<Pcm> SynthesizeEspeak(std::string_view voice, std::string_view text,
                               const SynthesisOptions& o) {
  std::lock_guard lock(espeak_mutex);
  if (espeak_rate == 0) {
    espeak_rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, nullptr, 0);
    if (espeak_rate > 0) espeak_SetSynthCallback(&EspeakCollect);
    if (espeak_rate <= 0) espeak_rate = -1;
  }
  if (espeak_rate < 0) {
    return UnavailableError("eSpeak NG could not start (is espeak-ng-data installed?)");
  }
  // Loading a voice reads its files; skip it when the voice and settings
  // are those of the previous call (espeak_mutex held).
  static std::string current_voice;
  static int current_wpm = -1, current_pitch = -1;
  const std::string name(voice);
  if (name != current_voice) {
    current_voice.clear();
    current_wpm = current_pitch = -1;  // a new voice resets its parameters
    if (espeak_SetVoiceByName(name.c_str()) != EE_OK && !SetEspeakLanguage(name)) {
      return InvalidArgumentError("eSpeak NG has no voice '" + name +
                                  "' (see `espeak-ng --voices`; variants as en-us+f3)");
    }
    current_voice = name;
  }
  const int wpm = std::clamp(static_cast<int>(std::lround(espeakRATE_NORMAL * o.speed)),
                             espeakRATE_MINIMUM, espeakRATE_MAXIMUM);
  const int pitch = std::clamp(static_cast<int>(std::lround(50 * o.pitch)), 0, 100);
  if (wpm != current_wpm) espeak_SetParameter(espeakRATE, wpm, 0);
  if (pitch != current_pitch) espeak_SetParameter(espeakPITCH, pitch, 0);
  current_wpm = wpm;
  current_pitch = pitch;
  Pcm pcm;
  pcm.sample_rate = espeak_rate;
  const std::string z(text);  // espeak reads a NUL-terminated buffer
  const espeak_ERROR e = espeak_Synth(z.c_str(), z.size() + 1, 0, POS_CHARACTER, 0,
                                      espeakCHARS_UTF8, nullptr, &pcm.samples);
  if (e != EE_OK) return InternalError("eSpeak NG failed to synthesise the text");
  return pcm;
}

// ---- Flite --------------------------------------------------------------

struct FliteVoice {
  cst_voice* voice = nullptr;
  float base_f0 = 0;
};

std::mutex flite_mutex;

// Registers the voice on first use; flite_mutex held.
FliteVoice* FindFlite(std::string_view name) {
  static std::map<std::string, FliteVoice, std::less<>> voices;
  static bool initialised = false;
  if (!initialised) {
    flite_init();
    initialised = true;
  }
  if (auto it = voices.find(name); it != voices.end()) return &it->second;
  cst_voice* v = nullptr;
  if (name == "kal") v = register_cmu_us_kal(nullptr);
  if (name == "kal16") v = register_cmu_us_kal16(nullptr);
  if (name == "slt") v = register_cmu_us_slt(nullptr);
  if (name == "awb") v = register_cmu_us_awb(nullptr);
  if (name == "rms") v = register_cmu_us_rms(nullptr);
  if (v == nullptr) return nullptr;
  FliteVoice fv{v, flite_get_param_float(v->features, "int_f0_target_mean", 100.0f)};
  return &voices.emplace(std::string(name), fv).first->second;
}

StatusOr<Pcm> SynthesizeFlite(std::string_view voice, std::string_view text,
                              const SynthesisOptions& o) {
  std::lock_guard lock(flite_mutex);
  FliteVoice* v = FindFlite(voice);
  if (v == nullptr) {
    return InvalidArgumentError("flite has no voice '" + std::string(voice) +
                                "'; use kal, kal16, slt, awb or rms");
  }
  flite_feat_set_float(v->voice->features, "duration_stretch",
                       static_cast<float>(1.0 / std::clamp(o.speed, 0.25, 4.0)));
  flite_feat_set_float(v->voice->features, "int_f0_target_mean",
                       v->base_f0 * static_cast<float>(o.pitch));
  const std::string z(text);
  cst_wave* w = flite_text_to_wave(z.c_str(), v->voice);
  if (w == nullptr) return InternalError("flite failed to synthesise the text");
  Pcm pcm;
  pcm.sample_rate = w->sample_rate;
  pcm.samples.assign(w->samples, w->samples + w->num_samples * std::max(1, w->num_channels));
  delete_wave(w);
  return pcm;
}

}  // namespace

StatusOr<std::string> ResolveVoice(std::string_view name) {
  if (name.empty()) return std::string("espeak:en-us");
  for (const VoiceAlias& a : kAliases) {
    if (a.openai == name) return std::string(a.engine);
  }
  if (name.starts_with("espeak:") || name.starts_with("flite:")) return std::string(name);
  for (std::string_view f : kFliteVoices) {
    if (f == name) return "flite:" + std::string(name);
  }
  // A bare espeak-ng voice name ("en-us", "en-gb+m3").
  if (name.size() <= 64 && name.find_first_of(" /\\") == std::string_view::npos) {
    return "espeak:" + std::string(name);
  }
  return InvalidArgumentError(
      "unknown voice; use an OpenAI voice (alloy, echo, ...), "
      "espeak:<voice> or flite:<kal|kal16|slt|awb|rms>");
}

std::vector<std::string> ListVoices() {
  std::vector<std::string> out;
  for (const VoiceAlias& a : kAliases) out.emplace_back(a.openai);
  for (std::string_view f : kFliteVoices) out.push_back("flite:" + std::string(f));
  out.emplace_back("espeak:<espeak-ng voice>[+variant]");
  return out;
}

StatusOr<Pcm> Synthesize(std::string_view text, const SynthesisOptions& o) {
  if (text.empty()) return InvalidArgumentError("the text to speak is empty");
  if (text.size() > kMaxSynthesisChars) {
    return InvalidArgumentError("the text is " + std::to_string(text.size()) +
                                " characters; at most " + std::to_string(kMaxSynthesisChars) +
                                " per request");
  }
  if (text.find('\0') != std::string_view::npos) {
    return InvalidArgumentError("the text contains a NUL character");
  }
  if (!(o.speed >= 0.25 && o.speed <= 4.0)) {
    return InvalidArgumentError("speed must be between 0.25 and 4.0");
  }
  if (!(o.pitch >= 0.5 && o.pitch <= 2.0)) {
    return InvalidArgumentError("pitch must be between 0.5 and 2.0");
  }
  if (o.sample_rate != 0 && (o.sample_rate < 8000 || o.sample_rate > 48000)) {
    return InvalidArgumentError("sample_rate must be 0 (native) or 8000..48000");
  }
  auto resolved = ResolveVoice(o.voice);
  if (!resolved.ok()) return resolved.status();
  const std::string& voice = *resolved;
  StatusOr<Pcm> pcm = voice.starts_with("flite:")
                          ? SynthesizeFlite(std::string_view(voice).substr(6), text, o)
                          : SynthesizeEspeak(std::string_view(voice).substr(7), text, o);
  if (!pcm.ok()) return pcm.status();
  if (pcm->samples.empty()) return InvalidArgumentError("the text has nothing to speak");
  if (o.sample_rate != 0 && o.sample_rate != pcm->sample_rate) return Resample(*pcm, o.sample_rate);
  return pcm;
}

}  // namespace strato::speech
