// The demo's speech models: "asr" (general English dictation) and "tts".
#include <fstream>

#include "strato/speech/speech_backends.h"

namespace strato::speech {
namespace {

Status WriteFile(const std::filesystem::path& path, std::string_view text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  out.close();
  if (!out) return InternalError("cannot write " + path.string());
  return Status::Ok();
}

Status WriteModel(const std::filesystem::path& dir, std::string_view name,
                  std::string_view config) {
  std::error_code ec;
  std::filesystem::create_directories(dir / name / "1", ec);
  if (ec)
    return InternalError("cannot create " + (dir / name / "1").string() + ": " + ec.message());
  return WriteFile(dir / name / "config.pbtxt", config);
}

}  // namespace

Status WriteDemoSpeechModels(const std::filesystem::path& dir) {
  // Two instances: one decoder per core of a small machine.
  if (Status s = WriteModel(dir, "asr",
                            "name: \"asr\"\nbackend: \"pocketsphinx\"\n"
                            "instance_group { count: 2 kind: KIND_CPU }\n"
                            "parameters { key: \"mode\" value { string_value: \"lm\" } }\n");
      !s.ok()) {
    return s;
  }
  return WriteModel(dir, "tts",
                    "name: \"tts\"\nbackend: \"tts\"\n"
                    "parameters { key: \"voice\" value { string_value: \"espeak:en-us\" } }\n"
                    "parameters { key: \"sample_rate\" value { string_value: \"24000\" } }\n");
}

}  // namespace strato::speech
