// OpenAI's audio API over the speech backends (wire contracts in
// include/strato/speech/speech_backends.h; the frontend does not link the
// speech engines, it only moves bytes and formats replies):
//   POST /v1/audio/transcriptions  multipart/form-data: file, model,
//        language, prompt (ignored), temperature (ignored), response_format
//        json | text | srt | vtt | verbose_json, timestamp_granularities[]
//        -> a model served by the `pocketsphinx` backend.
//   POST /v1/audio/speech  JSON: model, input, voice, response_format
//        (wav | pcm | flac | mp3 | opus; aac is refused), speed
//        -> a model served by the `tts` backend; the reply is the audio.
// Errors use OpenAI's shape with the offending field in "param".
//
// Thread-safety: stateless; callable from any io thread.
#pragma once

#include "handlers.h"

namespace strato::http {

// Routes /v1/audio/... (`path` is the target without query or trailing /).
RouteResult HandleOpenAIAudio(const HandlerContext& ctx, const RequestView& request,
                              std::string_view path);

// Subtitle timestamps: "00:01:02,345" (SRT, comma) or "00:01:02.345" (VTT).
std::string SubtitleTime(double seconds, char separator);

}  // namespace strato::http
