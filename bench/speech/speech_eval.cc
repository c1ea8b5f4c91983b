// speech_eval: decodes a list of audio files with strato's Recognizer (or
// with pocketsphinx called directly, for the real-time-factor reference) and
// prints one line per file: path, seconds of audio, seconds of decoding,
// hypothesis. Also measures synthesis speed (--tts).
//
//   speech_eval [options] FILE...        recognise each file
//   speech_eval --tts TEXT_FILE           characters/second, strato vs espeak-ng
//   speech_eval --commands TEXT_FILE --grammar JSGF [--variants N]
//                                         sentence accuracy of TTS-spoken commands
// Options: --mode lm|grammar --grammar FILE --lw X --wip X --beam X
//          --no-segment --direct --arg -flag=value (repeatable) --help
#include <espeak-ng/speak_lib.h>
#include <pocketsphinx.h>
#include <sphinxbase/err.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "strato/speech/audio.h"
#include "strato/speech/recognizer.h"
#include "strato/speech/synthesizer.h"

namespace {

using strato::speech::Pcm;
using strato::speech::RecognizerConfig;

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void Usage() {
  std::puts(
      "usage: speech_eval [--mode lm|grammar] [--grammar FILE] [--lw X] [--wip X] [--beam X]\n"
      "                   [--no-segment] [--reset-cmn] [--direct] [--arg -flag=value]... FILE...\n"
      "       speech_eval --tts TEXT_FILE\n"
      "       speech_eval --commands TEXT_FILE --grammar JSGF [--variants N]\n"
      "Prints per file: path <TAB> audio_s <TAB> decode_s <TAB> hypothesis.\n"
      "--direct decodes with the pocketsphinx C API called directly (one utterance per\n"
      "file, same model and flags): the reference for strato's real-time factor.");
}

// pocketsphinx without strato: the reference for the real-time factor.
int DecodeDirect(const RecognizerConfig& c, const std::vector<std::string>& files) {
  err_set_logfp(nullptr);
  std::vector<std::string> args = {"x",
                                   "-hmm",
                                   c.model_root + "/en-us",
                                   "-dict",
                                   c.model_root + "/cmudict-en-us.dict",
                                   "-lm",
                                   c.model_root + "/en-us.lm.bin",
                                   "-logfn",
                                   "/dev/null"};
  if (c.language_weight > 0) args.insert(args.end(), {"-lw", std::to_string(c.language_weight)});
  for (const auto& [f, v] : c.extra_args) args.insert(args.end(), {f, v});
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  cmd_ln_t* config =
      cmd_ln_parse_r(nullptr, ps_args(), static_cast<int32>(argv.size()), argv.data(), TRUE);
  ps_decoder_t* ps = config != nullptr ? ps_init(config) : nullptr;
  if (ps == nullptr) {
    std::fprintf(stderr, "pocketsphinx did not start\n");
    return 1;
  }
  for (const std::string& f : files) {
    auto pcm = strato::speech::DecodeAudio(ReadFile(f));
    if (!pcm.ok()) {
      std::fprintf(stderr, "%s: %s\n", f.c_str(), pcm.status().ToString().c_str());
      return 1;
    }
    const double t0 = Now();
    ps_start_utt(ps);
    ps_process_raw(ps, pcm->samples.data(), pcm->samples.size(), FALSE, TRUE);
    ps_end_utt(ps);
    const char* hyp = ps_get_hyp(ps, nullptr);
    std::printf("%s\t%.3f\t%.4f\t%s\n", f.c_str(), pcm->seconds(), Now() - t0, hyp ? hyp : "");
  }
  ps_free(ps);
  cmd_ln_free_r(config);
  return 0;
}

int EspeakCount(short* /*wav*/, int n, espeak_EVENT* events) {
  if (events != nullptr && events->user_data != nullptr)
    *static_cast<long*>(events->user_data) += n;
  return 0;
}

int Tts(const std::string& path) {
  std::vector<std::string> lines;
  std::ifstream in(path);
  for (std::string l; std::getline(in, l);) {
    if (!l.empty()) lines.push_back(l);
  }
  size_t chars = 0;
  for (const auto& l : lines) chars += l.size();
  // strato's Synthesize at the engine's native rate (no resampling), then at 24 kHz.
  for (int rate : {0, 24000}) {
    strato::speech::SynthesisOptions o;
    o.sample_rate = rate;
    const double t0 = Now();
    double audio = 0;
    for (const auto& l : lines) {
      auto pcm = strato::speech::Synthesize(l, o);
      if (!pcm.ok()) return 1;
      audio += pcm->seconds();
    }
    const double dt = Now() - t0;
    std::printf("strato_synthesize rate=%d\tchars_per_s\t%.0f\taudio_s\t%.1f\twall_s\t%.3f\n", rate,
                chars / dt, audio, dt);
  }
  // espeak-ng called directly, same voice and text.
  const int rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, nullptr, 0);
  espeak_SetSynthCallback(&EspeakCount);
  espeak_SetVoiceByName("en-us");
  espeak_SetParameter(espeakRATE, espeakRATE_NORMAL, 0);
  espeak_SetParameter(espeakPITCH, 50, 0);
  long samples = 0;
  const double t0 = Now();
  for (const auto& l : lines) {
    espeak_Synth(l.c_str(), l.size() + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, nullptr, &samples);
  }
  const double dt = Now() - t0;
  std::printf("espeak_direct\tchars_per_s\t%.0f\taudio_s\t%.1f\twall_s\t%.3f\n", chars / dt,
              static_cast<double>(samples) / rate, dt);
  return 0;
}

// Speaks every command in `variants` voice/speed combinations (rotating
// through espeak-ng and flite voices), recognises it with the grammar and
// counts exact matches.
int Commands(const RecognizerConfig& c, const std::string& path, int variants) {
  auto rec = strato::speech::Recognizer::Create(c);
  if (!rec.ok()) {
    std::fprintf(stderr, "%s\n", rec.status().ToString().c_str());
    return 1;
  }
  const char* voices[] = {"espeak:en-us",    "flite:kal16", "espeak:en-gb",      "flite:slt",
                          "espeak:en-us+f3", "flite:awb",   "espeak:en-gb-x-rp", "flite:rms"};
  const double speeds[] = {1.0, 0.85, 1.2};
  std::ifstream in(path);
  int total = 0, right = 0, k = 0;
  double audio = 0, decode = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    for (int v = 0; v < variants; ++v, ++k) {
      strato::speech::SynthesisOptions o;
      o.voice = voices[k % 8];
      o.speed = speeds[k % 3];
      o.sample_rate = strato::speech::Recognizer::kSampleRate;
      auto pcm = strato::speech::Synthesize(line, o);
      if (!pcm.ok()) return 1;
      const double t0 = Now();
      auto t = (*rec)->Recognize(pcm->samples);
      decode += Now() - t0;
      audio += pcm->seconds();
      if (!t.ok()) return 1;
      ++total;
      if (t->text == line) {
        ++right;
      } else {
        std::printf("MISS\t%s\t%.2f\t%s\t-> %s\n", o.voice.c_str(), o.speed, line.c_str(),
                    t->text.c_str());
      }
    }
  }
  std::printf("commands\tsentence_accuracy\t%.1f%%\t%d/%d\trtf\t%.3f\n", 100.0 * right / total,
              right, total, decode / audio);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  RecognizerConfig c;
  bool direct = false;
  std::string commands;
  int variants = 3;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--help" || a == "-h") {
      Usage();
      return 0;
    } else if (a == "--tts") {
      return Tts(next());
    } else if (a == "--commands") {
      commands = next();
    } else if (a == "--variants") {
      variants = std::stoi(next());
    } else if (a == "--mode") {
      const std::string m = next();
      c.mode = m == "grammar" ? strato::speech::RecognizerMode::kGrammar
                              : strato::speech::RecognizerMode::kLanguageModel;
    } else if (a == "--grammar") {
      c.grammar = ReadFile(next());
    } else if (a == "--lw") {
      c.language_weight = std::stod(next());
    } else if (a == "--wip") {
      c.word_insertion_penalty = std::stod(next());
    } else if (a == "--beam") {
      c.beam = std::stod(next());
    } else if (a == "--reset-cmn") {
      c.reset_cmn = true;
    } else if (a == "--no-segment") {
      c.segment_on_silence = false;
    } else if (a == "--direct") {
      direct = true;
    } else if (a == "--arg") {
      const std::string kv = next();
      const auto eq = kv.find('=');
      c.extra_args.emplace_back(kv.substr(0, eq), eq == std::string::npos ? "" : kv.substr(eq + 1));
    } else {
      files.push_back(a);
    }
  }
  if (!commands.empty()) {
    c.mode = strato::speech::RecognizerMode::kGrammar;
    c.segment_on_silence = false;
    return Commands(c, commands, variants);
  }
  if (files.empty()) {
    Usage();
    return 2;
  }
  if (direct) return DecodeDirect(c, files);
  auto rec = strato::speech::Recognizer::Create(c);
  if (!rec.ok()) {
    std::fprintf(stderr, "%s\n", rec.status().ToString().c_str());
    return 1;
  }
  for (const std::string& f : files) {
    auto pcm = strato::speech::DecodeAudio(ReadFile(f));
    if (!pcm.ok()) {
      std::fprintf(stderr, "%s: %s\n", f.c_str(), pcm.status().ToString().c_str());
      return 1;
    }
    const double t0 = Now();
    auto t = (*rec)->Recognize(pcm->samples);
    const double dt = Now() - t0;
    if (!t.ok()) {
      std::fprintf(stderr, "%s: %s\n", f.c_str(), t.status().ToString().c_str());
      return 1;
    }
    std::printf("%s\t%.3f\t%.4f\t%s\n", f.c_str(), pcm->seconds(), dt, t->text.c_str());
    std::fflush(stdout);
  }
  return 0;
}
