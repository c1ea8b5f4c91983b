// Audio decoding, resampling and encoding with real libsndfile/libsoxr.
#include "strato/speech/audio.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <numbers>

namespace strato::speech {
namespace {

Pcm Tone(int rate, double seconds, double hz = 440.0) {
  Pcm p;
  p.sample_rate = rate;
  const auto n = static_cast<size_t>(rate * seconds);
  p.samples.resize(n);
  for (size_t i = 0; i < n; ++i) {
    p.samples[i] = static_cast<int16_t>(
        8000 * std::sin(2 * std::numbers::pi * hz * static_cast<double>(i) / rate));
  }
  return p;
}

TEST(AudioTest, WavRoundTripResamplesTo16k) {
  auto wav = EncodeAudio(Tone(44100, 1.0), AudioFormat::kWav);
  ASSERT_TRUE(wav.ok()) << wav.status().ToString();
  auto info = ProbeAudio(*wav);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->sample_rate, 44100);
  EXPECT_EQ(info->channels, 1);
  auto pcm = DecodeAudio(*wav);
  ASSERT_TRUE(pcm.ok()) << pcm.status().ToString();
  EXPECT_EQ(pcm->sample_rate, 16000);
  EXPECT_NEAR(static_cast<double>(pcm->samples.size()), 16000.0, 16.0);
}

TEST(AudioTest, EveryWritableFormatDecodesBack) {
  for (AudioFormat f : {AudioFormat::kWav, AudioFormat::kFlac, AudioFormat::kOgg,
                        AudioFormat::kOpus, AudioFormat::kMp3}) {
    auto bytes = EncodeAudio(Tone(24000, 0.5), f);
    ASSERT_TRUE(bytes.ok()) << AudioFormatName(f) << ": " << bytes.status().ToString();
    auto pcm = DecodeAudio(*bytes);
    ASSERT_TRUE(pcm.ok()) << AudioFormatName(f) << ": " << pcm.status().ToString();
    // Lossy codecs pad or trim a few milliseconds.
    EXPECT_NEAR(pcm->seconds(), 0.5, 0.12) << AudioFormatName(f);
  }
}

TEST(AudioTest, PcmIsRawLittleEndianSamples) {
  const Pcm tone = Tone(24000, 0.1);
  auto raw = EncodeAudio(tone, AudioFormat::kPcm);
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(raw->size(), tone.samples.size() * 2);
  DecodeOptions o;
  o.raw_rate = 24000;
  auto pcm = DecodeAudio(*raw, o);
  ASSERT_TRUE(pcm.ok());
  EXPECT_NEAR(pcm->seconds(), 0.1, 0.01);
}

TEST(AudioTest, StereoIsDownmixed) {
  // A hand-made stereo WAV: left = tone, right = silence.
  Pcm tone = Tone(16000, 0.2);
  std::string wav = *EncodeAudio(tone, AudioFormat::kWav);
  // Rewrite as 2 channels by interleaving: build the header anew.
  std::string data;
  for (int16_t s : tone.samples) {
    data.append(reinterpret_cast<const char*>(&s), 2);
    data.append(2, '\0');
  }
  auto u32 = [](uint32_t v) { return std::string(reinterpret_cast<const char*>(&v), 4); };
  auto u16 = [](uint16_t v) { return std::string(reinterpret_cast<const char*>(&v), 2); };
  std::string stereo = "RIFF" + u32(36 + static_cast<uint32_t>(data.size())) + "WAVEfmt " +
                       u32(16) + u16(1) + u16(2) + u32(16000) + u32(16000 * 4) + u16(4) + u16(16) +
                       "data" + u32(static_cast<uint32_t>(data.size())) + data;
  auto pcm = DecodeAudio(stereo);
  ASSERT_TRUE(pcm.ok()) << pcm.status().ToString();
  ASSERT_EQ(pcm->samples.size(), tone.samples.size());
  EXPECT_NEAR(pcm->samples[100], tone.samples[100] / 2, 2);
}

TEST(AudioTest, BadAudioGetsClearErrors) {
  auto empty = DecodeAudio("");
  EXPECT_EQ(empty.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(empty.status().message().find("empty"), std::string::npos);

  std::string wav = *EncodeAudio(Tone(16000, 0.5), AudioFormat::kWav);
  auto truncated = DecodeAudio(std::string_view(wav).substr(0, 20));
  EXPECT_EQ(truncated.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(truncated.status().message().find("cannot decode"), std::string::npos)
      << truncated.status().message();

  auto garbage = DecodeAudio("this is not audio at all, just some text bytes......");
  EXPECT_EQ(garbage.status().code(), StatusCode::kInvalidArgument);

  // A header-only WAV (no sample data).
  auto header = DecodeAudio(std::string_view(wav).substr(0, 44));
  EXPECT_EQ(header.status().code(), StatusCode::kInvalidArgument);

  // Wrong sample format: WAV format code 0x55 (MP3-in-WAV) with junk data.
  std::string odd = wav;
  odd[20] = 0x55;
  odd[21] = 0;
  auto format = DecodeAudio(odd);
  EXPECT_EQ(format.status().code(), StatusCode::kInvalidArgument);

  // One hour of audio is over the limit; refused from the header alone
  // (FLAC keeps an hour of silence small).
  Pcm hour;
  hour.sample_rate = 8000;
  hour.samples.assign(3600u * 8000u, 0);
  auto flac = EncodeAudio(hour, AudioFormat::kFlac);
  ASSERT_TRUE(flac.ok());
  DecodeOptions o;
  o.max_seconds = 600;
  auto longer = DecodeAudio(*flac, o);
  EXPECT_EQ(longer.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(longer.status().message().find("3600.0 s"), std::string::npos)
      << longer.status().message();

  DecodeOptions raw;
  raw.raw_rate = 16000;
  EXPECT_EQ(DecodeAudio("abc", raw).status().code(), StatusCode::kInvalidArgument);
}

TEST(AudioTest, FormatNames) {
  EXPECT_EQ(*ParseAudioFormat("flac"), AudioFormat::kFlac);
  EXPECT_EQ(ParseAudioFormat("aac").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(AudioContentType(AudioFormat::kMp3), "audio/mpeg");
}

}  // namespace
}  // namespace strato::speech
