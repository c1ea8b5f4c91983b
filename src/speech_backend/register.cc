#include "strato/speech/speech_backends.h"

namespace strato::speech {

std::shared_ptr<const Backend> MakePocketsphinxBackend();
std::shared_ptr<const Backend> MakeTtsBackend();
std::shared_ptr<const Backend> MakeAssistantBackend();

void RegisterSpeechBackends(BackendRegistry* registry) {
  registry->Register(MakePocketsphinxBackend());
  registry->Register(MakeTtsBackend());
  registry->Register(MakeAssistantBackend());
}

}  // namespace strato::speech
