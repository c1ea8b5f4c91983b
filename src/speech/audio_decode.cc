// DecodeAudio / ProbeAudio / resampling: any container libsndfile reads,
// any rate and channel count, to mono 16-bit at the recogniser's rate.
#include <soxr.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "memory_sndfile.h"
#include "strato/speech/audio.h"

namespace strato::speech {
namespace {

// More channels than this is not speech from a microphone; refusing keeps a
// corrupt header from sizing a huge buffer.
constexpr int kMaxChannels = 64;
constexpr int kMinRate = 1000;
constexpr int kMaxRate = 384000;

std::string ContainerName(int format) {
  SF_FORMAT_INFO info{};
  info.format = format & SF_FORMAT_TYPEMASK;
  if (sf_command(nullptr, SFC_GET_FORMAT_MAJOR, &info, sizeof(info)) == 0 &&
      info.extension != nullptr) {
    return info.extension;
  }
  return "unknown";
}

struct Opened {
  SndfilePtr file;
  SF_INFO info{};
};

// Opens `bytes` with libsndfile; `memory` must outlive the result.
StatusOr<Opened> Open(std::string_view bytes, MemoryFile* memory) {
  if (bytes.empty()) return InvalidArgumentError("the audio file is empty (0 bytes)");
  Opened out;
  SNDFILE* f = sf_open_virtual(MemoryFile::Io(), SFM_READ, &out.info, memory);
  if (f == nullptr) {
    std::string why = sf_strerror(nullptr);
    std::string hint;
    if (bytes.size() >= 4 && bytes.substr(0, 4) == "RIFF") {
      hint = " (a RIFF/WAV header that is truncated, or a sample format libsndfile cannot read)";
    }
    return InvalidArgumentError("cannot decode the audio file (" + std::to_string(bytes.size()) +
                                " bytes): " + why + hint +
                                "; send WAV, FLAC, OGG/Vorbis, OGG/Opus or MP3");
  }
  out.file.reset(f);
  if (out.info.channels <= 0 || out.info.channels > kMaxChannels) {
    return InvalidArgumentError("the audio file has " + std::to_string(out.info.channels) +
                                " channels; 1 to " + std::to_string(kMaxChannels) +
                                " are accepted");
  }
  if (out.info.samplerate < kMinRate || out.info.samplerate > kMaxRate) {
    return InvalidArgumentError("the audio file's sample rate " +
                                std::to_string(out.info.samplerate) + " Hz is outside " +
                                std::to_string(kMinRate) + ".." + std::to_string(kMaxRate));
  }
  return out;
}

Status CheckLength(double seconds, double max_seconds) {
  if (seconds > max_seconds) {
    char buf[200];
    std::snprintf(buf, sizeof(buf), "the audio is %.1f s long; at most %.0f s are accepted",
                  seconds, max_seconds);
    return InvalidArgumentError(buf);
  }
  return Status::Ok();
}

}  // namespace

StatusOr<AudioInfo> ProbeAudio(std::string_view bytes) {
  MemoryFile memory(bytes);
  auto opened = Open(bytes, &memory);
  if (!opened.ok()) return opened.status();
  AudioInfo info;
  info.container = ContainerName(opened->info.format);
  info.sample_rate = opened->info.samplerate;
  info.channels = opened->info.channels;
  info.frames = opened->info.frames;
  return info;
}

StatusOr<std::vector<int16_t>> ResampleToInt16(std::span<const float> mono, int from_rate,
                                               int to_rate) {
  if (from_rate <= 0 || to_rate <= 0) return InvalidArgumentError("sample rates must be positive");
  std::vector<int16_t> out;
  if (mono.empty()) return out;
  if (from_rate == to_rate) {
    out.resize(mono.size());
    for (size_t i = 0; i < mono.size(); ++i) {
      const float v = std::clamp(mono[i], -1.0f, 1.0f);
      out[i] = static_cast<int16_t>(std::lrint(v * 32767.0f));
    }
    return out;
  }
  const double ratio = static_cast<double>(to_rate) / from_rate;
  out.resize(static_cast<size_t>(std::ceil(static_cast<double>(mono.size()) * ratio)) + 16);
  const soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_INT16_I);
  const soxr_quality_spec_t quality = soxr_quality_spec(SOXR_HQ, 0);
  size_t done = 0;
  soxr_error_t error = soxr_oneshot(from_rate, to_rate, 1, mono.data(), mono.size(), nullptr,
                                    out.data(), out.size(), &done, &io, &quality, nullptr);
  if (error != nullptr) return InternalError(std::string("resampling failed: ") + error);
  out.resize(done);
  return out;
}

StatusOr<Pcm> Resample(const Pcm& pcm, int to_rate) {
  if (pcm.sample_rate == to_rate) return pcm;
  std::vector<float> f(pcm.samples.size());
  for (size_t i = 0; i < f.size(); ++i) f[i] = static_cast<float>(pcm.samples[i]) / 32768.0f;
  auto s = ResampleToInt16(f, pcm.sample_rate, to_rate);
  if (!s.ok()) return s.status();
  return Pcm{std::move(s).value(), to_rate};
}

StatusOr<Pcm> DecodeAudio(std::string_view bytes, const DecodeOptions& options) {
  if (options.target_rate < kMinRate || options.target_rate > kMaxRate) {
    return InvalidArgumentError("target sample rate " + std::to_string(options.target_rate) +
                                " Hz is out of range");
  }
  if (options.raw_rate > 0) {
    // Headerless 16-bit little-endian mono.
    if (bytes.empty()) return InvalidArgumentError("the audio is empty (0 bytes)");
    if (bytes.size() % 2 != 0) {
      return InvalidArgumentError("raw 16-bit PCM must have an even number of bytes (got " +
                                  std::to_string(bytes.size()) + ")");
    }
    const size_t n = bytes.size() / 2;
    Status length = CheckLength(static_cast<double>(n) / options.raw_rate, options.max_seconds);
    if (!length.ok()) return length;
    Pcm raw;
    raw.sample_rate = options.raw_rate;
    raw.samples.resize(n);
    std::memcpy(raw.samples.data(), bytes.data(), n * 2);  // x86-64/aarch64: little-endian
    return Resample(raw, options.target_rate);
  }

  MemoryFile memory(bytes);
  auto opened = Open(bytes, &memory);
  if (!opened.ok()) return opened.status();
  const SF_INFO& info = opened->info;
  const int channels = info.channels;
  // frames may be unknown (SF_COUNT_MAX) for streams; the reader then stops
  // at the limit below.
  if (info.frames > 0 && info.frames < SF_COUNT_MAX) {
    Status length =
        CheckLength(static_cast<double>(info.frames) / info.samplerate, options.max_seconds);
    if (!length.ok()) return length;
  }
  const auto max_frames =
      static_cast<sf_count_t>(std::ceil(options.max_seconds * info.samplerate)) + 1;

  std::vector<float> mono;
  if (info.frames > 0 && info.frames < max_frames) mono.reserve(static_cast<size_t>(info.frames));
  std::vector<float> block(static_cast<size_t>(4096) * channels);
  for (;;) {
    const sf_count_t got = sf_readf_float(opened->file.get(), block.data(), 4096);
    if (got <= 0) break;
    for (sf_count_t i = 0; i < got; ++i) {
      float sum = 0;
      for (int c = 0; c < channels; ++c) sum += block[static_cast<size_t>(i * channels + c)];
      mono.push_back(sum / static_cast<float>(channels));
    }
    if (static_cast<sf_count_t>(mono.size()) > max_frames) {
      Status length =
          CheckLength(static_cast<double>(mono.size()) / info.samplerate, options.max_seconds);
      if (!length.ok()) return length;
    }
  }
  if (const int err = sf_error(opened->file.get()); err != SF_ERR_NO_ERROR) {
    return InvalidArgumentError(std::string("the audio file is corrupt: ") + sf_error_number(err));
  }
  if (mono.empty()) {
    return InvalidArgumentError("the audio file holds no samples (" + ContainerName(info.format) +
                                " header without audio data)");
  }
  auto samples = ResampleToInt16(mono, info.samplerate, options.target_rate);
  if (!samples.ok()) return samples.status();
  return Pcm{std::move(samples).value(), options.target_rate};
}

}  // namespace strato::speech
