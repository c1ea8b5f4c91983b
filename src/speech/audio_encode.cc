// EncodeAudio: synthesised PCM into the container a client asked for.
#include <cstring>

#include "memory_sndfile.h"
#include "strato/speech/audio.h"

namespace strato::speech {
namespace {

struct FormatSpec {
  AudioFormat format;
  std::string_view name;
  std::string_view content_type;
  int sndfile_format;  // 0: raw samples, no libsndfile
};

constexpr FormatSpec kFormats[] = {
    {AudioFormat::kWav, "wav", "audio/wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16},
    {AudioFormat::kPcm, "pcm", "audio/pcm", 0},
    {AudioFormat::kFlac, "flac", "audio/flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_16},
    {AudioFormat::kOgg, "ogg", "audio/ogg", SF_FORMAT_OGG | SF_FORMAT_VORBIS},
    {AudioFormat::kOpus, "opus", "audio/ogg", SF_FORMAT_OGG | SF_FORMAT_OPUS},
    {AudioFormat::kMp3, "mp3", "audio/mpeg", SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III},
};

const FormatSpec& Spec(AudioFormat format) {
  for (const FormatSpec& s : kFormats) {
    if (s.format == format) return s;
  }
  return kFormats[0];
}

bool OpusRate(int rate) {
  return rate == 8000 || rate == 12000 || rate == 16000 || rate == 24000 || rate == 48000;
}

}  // namespace

StatusOr<AudioFormat> ParseAudioFormat(std::string_view name) {
  for (const FormatSpec& s : kFormats) {
    if (s.name == name) return s.format;
  }
  return InvalidArgumentError("unknown audio format '" + std::string(name.substr(0, 40)) +
                              "'; use wav, pcm, flac, ogg, opus or mp3");
}

std::string_view AudioFormatName(AudioFormat format) { return Spec(format).name; }
std::string_view AudioContentType(AudioFormat format) { return Spec(format).content_type; }

StatusOr<std::string> EncodeAudio(const Pcm& input, AudioFormat format) {
  const FormatSpec& spec = Spec(format);
  if (spec.sndfile_format == 0) {
    std::string raw(input.samples.size() * 2, '\0');
    if (!raw.empty()) std::memcpy(raw.data(), input.samples.data(), raw.size());
    return raw;
  }
  Pcm resampled;
  const Pcm* pcm = &input;
  if (format == AudioFormat::kOpus && !OpusRate(input.sample_rate)) {
    auto r = Resample(input, 48000);
    if (!r.ok()) return r.status();
    resampled = std::move(r).value();
    pcm = &resampled;
  }
  SF_INFO info{};
  info.samplerate = pcm->sample_rate;
  info.channels = 1;
  info.format = spec.sndfile_format;
  if (!sf_format_check(&info)) {
    return InvalidArgumentError("this build's libsndfile cannot write " + std::string(spec.name) +
                                " at " + std::to_string(pcm->sample_rate) + " Hz");
  }
  MemoryFile memory;
  SNDFILE* raw = sf_open_virtual(MemoryFile::Io(), SFM_WRITE, &info, &memory);
  if (raw == nullptr) {
    return InvalidArgumentError("cannot write " + std::string(spec.name) + ": " +
                                sf_strerror(nullptr));
  }
  SndfilePtr file(raw);
  const auto n = static_cast<sf_count_t>(pcm->samples.size());
  if (n > 0 && sf_writef_short(file.get(), pcm->samples.data(), n) != n) {
    return InternalError("writing " + std::string(spec.name) +
                         " failed: " + sf_strerror(file.get()));
  }
  file.reset();  // flushes headers and trailing pages into memory
  return memory.buffer();
}

}  // namespace strato::speech
