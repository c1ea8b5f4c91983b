// Audio in and out of the speech engines: decoding a file held in memory
// (libsndfile through its virtual I/O, so no temporary files), converting it
// to what a recogniser needs (mono, 16-bit, one sample rate, via libsoxr),
// and encoding synthesised PCM into the container a client asked for.
//
// Every failure is an INVALID_ARGUMENT naming the problem (empty input,
// truncated or corrupt file, unsupported container, audio longer than the
// limit), so that a frontend can pass it on as a 400 unchanged.
//
// Thread-safety: free functions over values; safe from any thread.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "strato/core/status.h"

namespace strato::speech {

// Mono 16-bit PCM at `sample_rate` Hz.
struct Pcm {
  std::vector<int16_t> samples;
  int sample_rate = 16000;

  double seconds() const {
    return sample_rate > 0 ? static_cast<double>(samples.size()) / sample_rate : 0.0;
  }
};

struct DecodeOptions {
  int target_rate = 16000;     // output sample rate
  double max_seconds = 600.0;  // longer input is rejected before decoding
  // Input without a container header ("raw"/"pcm"): 16-bit little-endian
  // mono at this rate. 0: headerless input is an error.
  int raw_rate = 0;
};

// Decodes WAV, FLAC, OGG (Vorbis/Opus), MP3 and the other containers
// libsndfile reads, downmixes to mono and resamples to target_rate.
StatusOr<Pcm> DecodeAudio(std::string_view bytes, const DecodeOptions& options = {});

// What DecodeAudio saw in the file, for logs and verbose replies.
struct AudioInfo {
  std::string container;  // "wav", "flac", ...
  int sample_rate = 0;
  int channels = 0;
  int64_t frames = 0;
};
StatusOr<AudioInfo> ProbeAudio(std::string_view bytes);

// Downmixed mono float samples in [-1, 1] resampled with libsoxr (high
// quality) from `from_rate` to `to_rate`, converted to 16-bit.
StatusOr<std::vector<int16_t>> ResampleToInt16(std::span<const float> mono, int from_rate,
                                               int to_rate);
// Same for 16-bit input.
StatusOr<Pcm> Resample(const Pcm& pcm, int to_rate);

enum class AudioFormat { kWav, kPcm, kFlac, kOgg, kOpus, kMp3 };

// "wav" | "pcm" | "flac" | "ogg" | "opus" | "mp3" (case-sensitive, as in
// OpenAI's response_format); INVALID_ARGUMENT naming the choices otherwise.
StatusOr<AudioFormat> ParseAudioFormat(std::string_view name);
std::string_view AudioFormatName(AudioFormat format);
// The HTTP content type of an encoded file (a static string).
std::string_view AudioContentType(AudioFormat format);

// Encodes `pcm` as `format`. kPcm is the raw 16-bit little-endian samples.
// Opus needs 8/12/16/24/48 kHz input; other rates are resampled to 48 kHz.
StatusOr<std::string> EncodeAudio(const Pcm& pcm, AudioFormat format);

}  // namespace strato::speech
