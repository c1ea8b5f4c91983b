// TTS -> ASR round trips with real engines: fixed sentences spoken by
// espeak-ng and flite come back exactly through a JSGF grammar.
#include <gtest/gtest.h>

#include "strato/speech/audio.h"
#include "strato/speech/recognizer.h"
#include "strato/speech/synthesizer.h"

namespace strato::speech {
namespace {

constexpr const char* kGrammar = R"(#JSGF V1.0;
grammar commands;
public <command> = <action> the <thing> [in the <room>] | what time is it | stop;
<action> = turn on | turn off | open | close;
<thing> = light | lights | door | window | radio | heater;
<room> = kitchen | bedroom | garage | living room;
)";

std::unique_ptr<Recognizer> GrammarRecognizer() {
  RecognizerConfig c;
  c.mode = RecognizerMode::kGrammar;
  c.grammar = kGrammar;
  c.segment_on_silence = false;
  auto r = Recognizer::Create(c);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(r).value() : nullptr;
}

Pcm Speak(const std::string& text, const std::string& voice) {
  SynthesisOptions o;
  o.voice = voice;
  auto pcm = Synthesize(text, o);
  EXPECT_TRUE(pcm.ok()) << pcm.status().ToString();
  // Through a WAV file and the decoder, as a client would send it.
  auto wav = EncodeAudio(*pcm, AudioFormat::kWav);
  EXPECT_TRUE(wav.ok());
  auto back = DecodeAudio(*wav);
  EXPECT_TRUE(back.ok()) << back.status().ToString();
  return std::move(back).value();
}

TEST(RoundTripTest, GrammarGivesTheExactSentence) {
  auto rec = GrammarRecognizer();
  ASSERT_NE(rec, nullptr);
  const std::vector<std::string> sentences = {"turn on the light in the kitchen",
                                              "close the window", "open the garage door",
                                              "what time is it", "turn off the radio"};
  for (const std::string voice : {"espeak:en-us", "flite:kal16"}) {
    for (const std::string& s : sentences) {
      // "open the garage door" is not in the grammar: it must not come back.
      const Pcm pcm = Speak(s, voice);
      auto t = rec->Recognize(pcm.samples);
      ASSERT_TRUE(t.ok()) << t.status().ToString();
      if (s == "open the garage door") {
        EXPECT_NE(t->text, s);
        continue;
      }
      EXPECT_EQ(t->text, s) << "voice " << voice;
      ASSERT_EQ(t->segments.size(), 1u);
      EXPECT_FALSE(t->segments[0].words.empty());
      EXPECT_LE(t->segments[0].end, pcm.seconds() + 0.05);
    }
  }
}

TEST(RoundTripTest, GeneralModelHearsSimpleSpeech) {
  auto rec = Recognizer::Create({});
  ASSERT_TRUE(rec.ok()) << rec.status().ToString();
  SynthesisOptions o;
  o.voice = "flite:kal16";
  auto pcm = Synthesize("hello world", o);
  ASSERT_TRUE(pcm.ok());
  auto at16 = Resample(*pcm, 16000);
  ASSERT_TRUE(at16.ok());
  auto t = (*rec)->Recognize(at16->samples);
  ASSERT_TRUE(t.ok());
  EXPECT_NE(NormalizeTranscript(t->text).find("world"), std::string::npos) << t->text;
}

TEST(RoundTripTest, BadConfigurationsAreRefused) {
  RecognizerConfig c;
  c.mode = RecognizerMode::kGrammar;
  c.grammar = "#JSGF V1.0; grammar g; public <a> = zzxqv blorf;";
  EXPECT_EQ(Recognizer::Create(c).status().code(), StatusCode::kInvalidArgument);
  RecognizerConfig missing;
  missing.model_root = "/nonexistent";
  EXPECT_EQ(Recognizer::Create(missing).status().code(), StatusCode::kInvalidArgument);
  SynthesisOptions o;
  o.voice = "flite:nobody";
  EXPECT_EQ(Synthesize("hi", o).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Synthesize("", {}).status().code(), StatusCode::kInvalidArgument);
  o.voice = "espeak:en-us";
  o.speed = 9;
  EXPECT_EQ(Synthesize("hi", o).status().code(), StatusCode::kInvalidArgument);
}

TEST(RoundTripTest, NormalizeTranscript) {
  EXPECT_EQ(NormalizeTranscript("Hello,  World! It's   OK."), "hello world it's ok");
}

}  // namespace
}  // namespace strato::speech
