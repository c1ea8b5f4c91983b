// Speech synthesis with eSpeak NG and CMU Flite (Debian's libespeak-ng and
// flite1), behind one call.
//
// Voices are named "<engine>:<voice>": "espeak:en-us", "espeak:en-us+f3"
// (any espeak-ng voice and variant), "flite:kal", "flite:slt", "flite:awb",
// "flite:rms", "flite:kal16". OpenAI's voice names (alloy, echo, fable,
// onyx, nova, shimmer, ash, ballad, coral, sage, verse) map onto these, so a
// client written for OpenAI works unchanged; an unknown voice is an
// INVALID_ARGUMENT that lists the choices.
//
// Thread-safety: Synthesize may be called from any thread. eSpeak NG keeps
// global state, and flite voices keep their settings in shared feature
// sets, so each engine serialises its calls with its own mutex.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "strato/core/status.h"
#include "strato/speech/audio.h"

namespace strato::speech {

struct SynthesisOptions {
  std::string voice = "espeak:en-us";
  double speed = 1.0;   // 0.25 .. 4.0, as OpenAI's speed
  double pitch = 1.0;   // 0.5 .. 2.0, relative to the voice's own
  int sample_rate = 0;  // 0: the engine's native rate
};

// Text longer than this is refused (OpenAI's own input limit).
inline constexpr size_t kMaxSynthesisChars = 4096;

StatusOr<Pcm> Synthesize(std::string_view text, const SynthesisOptions& options);

// The engine voice an OpenAI or engine voice name resolves to.
StatusOr<std::string> ResolveVoice(std::string_view name);
// Every "<engine>:<voice>" name the API lists (espeak variants not expanded).
std::vector<std::string> ListVoices();

}  // namespace strato::speech
