// The pocketsphinx and tts backends, loaded from configs with real engines:
// text -> tts -> WAV bytes -> pocketsphinx (grammar) -> the same text.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "../backends/backend_test_util.h"
#include "params.h"
#include "strato/speech/speech_backends.h"

namespace strato::speech {
namespace {

namespace fs = std::filesystem;
using strato::testing::CollectingSink;
using strato::testing::ParseConfig;

const Backend& Find(std::string_view name) {
  static BackendRegistry registry = [] {
    BackendRegistry r;
    RegisterSpeechBackends(&r);
    return r;
  }();
  return *registry.Find(name);
}

struct Loaded {
  std::unique_ptr<Model> model;
  std::unique_ptr<ModelInstance> instance;
};

Loaded Load(std::string_view backend, const std::string& config_text, const fs::path& dir) {
  inference::ModelConfig config = ParseConfig(config_text);
  Status s = Find(backend).AutoCompleteConfig(dir, &config);
  EXPECT_TRUE(s.ok());
  Loaded l;
  auto instance = strato::testing::LoadInstance(Find(backend), config, dir, &l.model);
  EXPECT_TRUE(instance.ok()) << instance.status().ToString();
  if (instance.ok()) l.instance = std::move(instance).value();
  return l;
}

// Runs one request and returns its only response.
std::unique_ptr<InferenceResponse> Infer(ModelInstance& instance, std::vector<Tensor> inputs,
                                         Parameters params = {}) {
  auto sink = std::make_shared<CollectingSink>();
  auto request = strato::testing::MakeRequest("r", std::move(inputs), sink);
  request->parameters = std::move(params);
  std::vector<std::unique_ptr<InferenceRequest>> batch;
  batch.push_back(std::move(request));
  instance.Execute(batch);
  EXPECT_EQ(sink->finals(), 1);
  auto out = std::make_unique<InferenceResponse>();
  const InferenceResponse& r = sink->only();
  out->status = r.status;
  out->outputs = r.outputs;
  out->parameters = r.parameters;
  return out;
}

std::string OnlyBytes(const InferenceResponse& r, std::string_view name) {
  for (const Tensor& t : r.outputs) {
    if (t.name() == name) return std::string(*SingleBytes(t));
  }
  return "<missing>";
}

class SpeechBackendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("speech_backend_test_" + std::to_string(getpid()));
    fs::create_directories(dir_);
    std::ofstream(dir_ / "grammar.jsgf") << "#JSGF V1.0;\ngrammar g;\n"
                                            "public <c> = (turn on | turn off) the (light | radio)"
                                            " | play some music;\n";
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(SpeechBackendTest, TextToSpeechToText) {
  Loaded tts = Load("tts", "name: \"tts\" backend: \"tts\"", dir_);
  Loaded asr = Load("pocketsphinx",
                    "name: \"cmd\" backend: \"pocketsphinx\" parameters { key: \"mode\" value { "
                    "string_value: \"grammar\" } }",
                    dir_);
  ASSERT_TRUE(tts.instance && asr.instance);
  for (const char* voice : {"alloy", "nova", "espeak:en-gb"}) {
    for (const std::string text : {"turn off the radio", "play some music"}) {
      auto spoken =
          Infer(*tts.instance, {BytesTensor("text", text)},
                {{"voice", std::string(voice)}, {"response_format", std::string("flac")}});
      ASSERT_TRUE(spoken->status.ok()) << spoken->status.ToString();
      EXPECT_EQ(std::get<std::string>(spoken->parameters.at("content_type")), "audio/flac");
      const std::string audio = OnlyBytes(*spoken, "audio");
      ASSERT_EQ(audio.substr(0, 4), "fLaC");
      auto heard = Infer(*asr.instance, {BytesTensor("audio", audio)});
      ASSERT_TRUE(heard->status.ok()) << heard->status.ToString();
      EXPECT_EQ(OnlyBytes(*heard, "text"), text) << voice;
      EXPECT_NE(OnlyBytes(*heard, "segments").find("\"words\":[{\"word\":"), std::string::npos);
    }
  }
}

TEST_F(SpeechBackendTest, RawSamplesAndBadInputs) {
  Loaded asr = Load("pocketsphinx", "name: \"asr\" backend: \"pocketsphinx\"", dir_);
  ASSERT_TRUE(asr.instance);
  std::vector<int16_t> silence(8000, 0);
  auto quiet = Infer(*asr.instance,
                     {strato::testing::MakeTensor("audio_pcm", DataType::kInt16, {8000}, silence)},
                     {{"sample_rate", int64_t{8000}}});
  ASSERT_TRUE(quiet->status.ok()) << quiet->status.ToString();
  EXPECT_EQ(OnlyBytes(*quiet, "text"), "");
  EXPECT_DOUBLE_EQ(std::get<double>(quiet->parameters.at("audio_seconds")), 1.0);

  auto none = Infer(*asr.instance, {});
  EXPECT_EQ(none->status.code(), StatusCode::kInvalidArgument);
  auto empty = Infer(*asr.instance, {BytesTensor("audio", "")});
  EXPECT_EQ(empty->status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(empty->status.message().find("input 'audio'"), std::string::npos);
  auto text = Infer(*asr.instance, {BytesTensor("audio", "RIFF....WAVEfmt ")});
  EXPECT_EQ(text->status.code(), StatusCode::kInvalidArgument);
  auto french = Infer(*asr.instance,
                      {strato::testing::MakeTensor("audio_pcm", DataType::kInt16, {8000}, silence)},
                      {{"language", std::string("fr")}});
  EXPECT_EQ(french->status.code(), StatusCode::kInvalidArgument);

  Loaded tts = Load("tts", "name: \"tts\" backend: \"tts\"", dir_);
  ASSERT_TRUE(tts.instance);
  auto bad_voice =
      Infer(*tts.instance, {BytesTensor("text", "hi")}, {{"voice", std::string("flite:zz")}});
  EXPECT_EQ(bad_voice->status.code(), StatusCode::kInvalidArgument);
  auto bad_format =
      Infer(*tts.instance, {BytesTensor("text", "hi")}, {{"response_format", std::string("aac")}});
  EXPECT_EQ(bad_format->status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad_format->status.message().find("response_format"), std::string::npos);
}

TEST_F(SpeechBackendTest, StreamingChunksGivePartialsThenTheFinalText) {
  Loaded tts = Load("tts", "name: \"tts\" backend: \"tts\"", dir_);
  Loaded asr = Load("pocketsphinx",
                    "name: \"cmd\" backend: \"pocketsphinx\" parameters { key: \"mode\" value { "
                    "string_value: \"grammar\" } }",
                    dir_);
  ASSERT_TRUE(tts.instance && asr.instance);
  auto spoken = Infer(*tts.instance, {BytesTensor("text", "turn off the light")},
                      {{"response_format", std::string("pcm")},
                       {"sample_rate", int64_t{16000}},
                       {"voice", std::string("flite:kal16")}});
  ASSERT_TRUE(spoken->status.ok());
  const std::string raw = OnlyBytes(*spoken, "audio");
  std::vector<int16_t> samples(raw.size() / 2);
  std::memcpy(samples.data(), raw.data(), samples.size() * 2);
  constexpr size_t kChunk = 4000;  // 0.25 s
  std::vector<std::string> partials;
  for (size_t pos = 0; pos < samples.size(); pos += kChunk) {
    std::vector<int16_t> chunk(samples.begin() + pos,
                               samples.begin() + std::min(samples.size(), pos + kChunk));
    Parameters p = {{"sequence_id", int64_t{42}}};
    if (pos == 0) p["sequence_start"] = true;
    auto r = Infer(*asr.instance,
                   {strato::testing::MakeTensor("audio_pcm", DataType::kInt16,
                                                {static_cast<int64_t>(chunk.size())}, chunk)},
                   p);
    ASSERT_TRUE(r->status.ok()) << r->status.ToString();
    EXPECT_TRUE(std::get<bool>(r->parameters.at("partial")));
    partials.push_back(OnlyBytes(*r, "text"));
  }
  auto last = Infer(*asr.instance, {}, {{"sequence_id", int64_t{42}}, {"sequence_end", true}});
  ASSERT_TRUE(last->status.ok()) << last->status.ToString();
  EXPECT_EQ(OnlyBytes(*last, "text"), "turn off the light");
  // Words were heard before the end of the audio.
  ASSERT_GE(partials.size(), 3u);
  EXPECT_FALSE(partials[partials.size() - 2].empty());
  // The stream is closed: another chunk for it is refused.
  auto closed = Infer(*asr.instance, {BytesTensor("audio", raw)}, {{"sequence_id", int64_t{42}}});
  EXPECT_EQ(closed->status.code(), StatusCode::kNotFound);
}

TEST_F(SpeechBackendTest, BadConfigsFailAtLoad) {
  inference::ModelConfig c = ParseConfig(
      "name: \"x\" backend: \"pocketsphinx\" parameters { key: \"mode\" value { string_value: "
      "\"dictation\" } }");
  std::unique_ptr<Model> model;
  auto loaded = strato::testing::LoadInstance(Find("pocketsphinx"), c, dir_, &model);
  EXPECT_EQ(loaded.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(loaded.status().message().find("mode"), std::string::npos);
  inference::ModelConfig v = ParseConfig(
      "name: \"t\" backend: \"tts\" parameters { key: \"voice\" value { string_value: "
      "\"flite:nobody\" } }");
  EXPECT_FALSE(testing::LoadInstance(Find("tts"), v, dir_, &model).ok());
}

TEST_F(SpeechBackendTest, DemoModelsAreWrittenAndTheAssistantAnswers) {
  ASSERT_TRUE(WriteDemoSpeechModels(dir_).ok());
  for (const char* m : {"asr", "tts", "commands", "assistant"}) {
    EXPECT_TRUE(fs::exists(dir_ / m / "config.pbtxt")) << m;
  }
  Loaded tts = Load("tts", "name: \"tts\" backend: \"tts\"", dir_);
  Loaded assistant = Load("voice_assistant", "name: \"assistant\" backend: \"voice_assistant\"",
                          dir_ / "assistant" / "1");
  ASSERT_TRUE(tts.instance && assistant.instance);
  auto spoken = Infer(*tts.instance, {BytesTensor("text", "turn on the kitchen light")},
                      {{"voice", std::string("flite:kal16")}});
  ASSERT_TRUE(spoken->status.ok());
  auto reply = Infer(*assistant.instance, {BytesTensor("audio", OnlyBytes(*spoken, "audio"))});
  ASSERT_TRUE(reply->status.ok()) << reply->status.ToString();
  EXPECT_EQ(OnlyBytes(*reply, "text"), "turn on the kitchen light");
  EXPECT_EQ(OnlyBytes(*reply, "answer"), "turning on the kitchen light");
  EXPECT_EQ(OnlyBytes(*reply, "audio").substr(0, 4), "RIFF");
  for (const char* stage : {"asr_ms", "intent_ms", "tts_ms"}) {
    EXPECT_GE(std::get<double>(reply->parameters.at(stage)), 0.0) << stage;
  }
}

}  // namespace
}  // namespace strato::speech
