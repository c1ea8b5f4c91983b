#include "strato/speech/speech_backends.h"

namespace strato::speech {

std::shared_ptr<const Backend> MakePocketsphinxBackend();
std::shared_ptr<const Backend> MakeTtsBackend();

void RegisterSpeechBackends(BackendRegistry* registry) {
  registry->Register(MakePocketsphinxBackend());
  registry->Register(MakeTtsBackend());
}

}  // namespace strato::speech
