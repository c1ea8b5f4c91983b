// The "segments" output of the pocketsphinx backend: a transcript as JSON
// (shape documented in include/strato/speech/speech_backends.h).
#pragma once

#include <string>

#include "strato/speech/recognizer.h"

namespace strato::speech {

std::string TranscriptJson(const Transcript& transcript);

}  // namespace strato::speech
