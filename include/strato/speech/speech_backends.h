// The speech backends: `pocketsphinx` (speech in, text out), `tts` (text in,
// speech out) and `voice_assistant` (speech in, spoken answer out), and the
// demo models that use them.
//
// pocketsphinx wire contract:
//   inputs (exactly one of them per request, all optional in the config):
//     "audio"       BYTES [1]  an audio file (WAV, FLAC, OGG, MP3, ...)
//     "audio_pcm"   INT16 [N]  mono samples at request parameter sample_rate
//     "audio_float" FP32  [N]  mono samples in [-1, 1] at sample_rate
//   outputs:
//     "text"        BYTES [1]  the transcript
//     "segments"    BYTES [1]  JSON: {"text", "duration", "segments": [{"id",
//                   "start", "end", "text", "words": [{"word", "start",
//                   "end", "probability"}]}]}
//   request parameters: sample_rate (int, raw inputs; default 16000),
//     language ("en" or empty; others are refused).
//   streaming: requests carrying sequence_id (int or string) are chunks of
//     one audio stream, sequence_start=true on the first and
//     sequence_end=true on the last (Triton's sequence parameters). Each
//     chunk's response holds "text" = the transcript so far (ended segments
//     plus the partial hypothesis; response parameters partial, in_speech,
//     segments_done); the last one the final text and segments. Send a chunk
//     after the previous chunk's response (in order). At most max_streams
//     streams are open at once; one idle for 60 s is closed.
//   response parameters: audio_seconds, decode_ms.
//   config parameters: mode (lm | grammar | keyphrase), grammar (file in
//     the version folder, JSGF), keyphrase, keyphrase_threshold,
//     model_root / hmm / dict / lm (paths), language_weight,
//     word_insertion_penalty, beam, segment_on_silence (true/false),
//     reset_cmn (true: each request starts from the initial cepstral mean,
//     results independent of earlier requests; default false),
//     max_audio_seconds (default 600, per request and per stream),
//     max_streams (default 8).
//
// tts wire contract:
//   input  "text"  BYTES [1]
//   output "audio" BYTES [1]  the encoded file
//   request parameters: voice, speed (0.25..4), pitch (0.5..2),
//     response_format (wav | pcm | flac | ogg | opus | mp3), sample_rate.
//   response parameters: content_type, sample_rate, audio_seconds.
//   config parameters: voice, response_format, sample_rate (defaults).
//
// voice_assistant: speech in, spoken answer out (see assistant_backend.cc):
//   input "audio" BYTES [1]; outputs "text", "answer", "audio" BYTES [1];
//   response parameters asr_ms, intent_ms, tts_ms (per-stage timings).
//
// Errors in the audio, text or parameters answer INVALID_ARGUMENT naming
// the input or parameter.
#pragma once

#include <filesystem>

#include "strato/backend/backend.h"

namespace strato::speech {

void RegisterSpeechBackends(BackendRegistry* registry);

// Writes the demo models "asr" (pocketsphinx, general English model),
// "tts" (espeak-ng/flite), "commands" (pocketsphinx, a home-automation JSGF
// grammar) and "assistant" (voice_assistant on the same grammar) into the
// repository folder `dir`.
Status WriteDemoSpeechModels(const std::filesystem::path& dir);

inline constexpr std::string_view kAudioInput = "audio";
inline constexpr std::string_view kAudioPcmInput = "audio_pcm";
inline constexpr std::string_view kAudioFloatInput = "audio_float";
inline constexpr std::string_view kTextOutput = "text";
inline constexpr std::string_view kSegmentsOutput = "segments";
inline constexpr std::string_view kTextInput = "text";
inline constexpr std::string_view kAudioOutput = "audio";

}  // namespace strato::speech
