// The demo's speech models: "asr" (general English dictation), "tts",
// "commands" (a JSGF command grammar) and "assistant" (voice assistant).
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

// Home-automation commands (the same grammar as bench/speech/commands.jsgf).
constexpr std::string_view kCommandGrammar = R"(#JSGF V1.0;
grammar home;

public <command> = <switch> | <dim> | <door> | <heat> | <media> | <ask> | <alarm> | <call> | <greeting>;

<switch> = turn (on | off) the (lights | [kitchen | bedroom | living room] light | heater | fan | radio | television)
         | (start | stop) the vacuum cleaner;
<dim> = (dim | brighten) the lights;
<door> = (open | close) the (garage door | window) | (open | lock | unlock) the front door | close the front door;
<heat> = turn (up | down) the heat | set the temperature to <number> degrees;
<number> = eighteen | nineteen | twenty | twenty one | twenty two | twenty three;
<media> = play some music | (stop | pause) the music | (next | previous) song | volume (up | down)
        | mute the sound;
<ask> = what time is it | what is the weather (today | tomorrow) | read my messages;
<alarm> = set an alarm for <time> | cancel the (alarm | timer) | set a timer for <minutes> minutes;
<time> = (five | six | seven | eight | nine) (o'clock | thirty | fifteen | forty five);
<minutes> = one | two | three | five | ten | fifteen | twenty | thirty;
<call> = call (my mother | my father | the office | home);
<greeting> = good night | good morning;
)";

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
  if (Status s =
          WriteModel(dir, "tts",
                     "name: \"tts\"\nbackend: \"tts\"\n"
                     "parameters { key: \"voice\" value { string_value: \"espeak:en-us\" } }\n"
                     "parameters { key: \"sample_rate\" value { string_value: \"24000\" } }\n");
      !s.ok()) {
    return s;
  }
  // Command and control: the grammar's sentences only.
  if (Status s = WriteModel(dir, "commands",
                            "name: \"commands\"\nbackend: \"pocketsphinx\"\n"
                            "parameters { key: \"mode\" value { string_value: \"grammar\" } }\n");
      !s.ok()) {
    return s;
  }
  if (Status s = WriteFile(dir / "commands" / "1" / "grammar.jsgf", kCommandGrammar); !s.ok())
    return s;
  // The voice assistant: a command in, the spoken answer out.
  if (Status s =
          WriteModel(dir, "assistant",
                     "name: \"assistant\"\nbackend: \"voice_assistant\"\n"
                     "parameters { key: \"voice\" value { string_value: \"flite:slt\" } }\n");
      !s.ok()) {
    return s;
  }
  return WriteFile(dir / "assistant" / "1" / "grammar.jsgf", kCommandGrammar);
}

}  // namespace strato::speech
