// Fuzzes the audio decoder with arbitrary file bytes (what a client uploads
// to /v1/audio/transcriptions): it must decode or return an error, never
// crash, hang or read out of bounds.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "strato/speech/audio.h"

// libsndfile's Ogg/Vorbis reader leaks libvorbis' info block when a corrupt
// stream fails to open (inside the library, after strato's sf_open_virtual
// returned null: nothing of strato's to free). Suppressed so that the
// fuzzer keeps looking for faults in strato's code.
extern "C" const char* __lsan_default_suppressions() { return "leak:libvorbis.so\n"; }

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  strato::speech::DecodeOptions options;
  options.max_seconds = 30;  // bounds the work per input
  auto pcm = strato::speech::DecodeAudio(bytes, options);
  if (pcm.ok() && pcm->sample_rate != 16000) std::abort();
  (void)strato::speech::ProbeAudio(bytes);
  return 0;
}
