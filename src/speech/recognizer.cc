// Recognizer over pocketsphinx 5prealpha: decoder set-up, utterance cutting
// at silences and word timings.
#include "strato/speech/recognizer.h"

#include <pocketsphinx.h>
#include <sphinxbase/cmn.h>
#include <sphinxbase/err.h>
#include <sphinxbase/feat.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <mutex>

namespace strato::speech {
namespace {

// pocketsphinx's default -frate: feature frames per second.
constexpr double kFramesPerSecond = 100.0;

std::string Number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%g", v);
  return buf;
}

// Fillers and sentence markers are not words of the transcript.
bool IsFiller(std::string_view w) {
  return w.empty() || w.front() == '<' || w.front() == '[' || w == "++NOISE++";
}

// "read(2)" -> "read": the dictionary's alternate pronunciations.
std::string BaseWord(std::string_view w) {
  if (auto p = w.find('('); p != std::string_view::npos && w.back() == ')') w = w.substr(0, p);
  return std::string(w);
}

Status CheckPath(const std::string& path, std::string_view what) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return InvalidArgumentError(std::string(what) + " '" + path +
                                "' does not exist (install pocketsphinx-en-us or set the path)");
  }
  return Status::Ok();
}

}  // namespace

struct Recognizer::Decoder {
  cmd_ln_t* config = nullptr;
  ps_decoder_t* ps = nullptr;
  bool segment_on_silence = true;
  bool started = false;       // an utterance is open
  bool heard_speech = false;  // the open utterance has speech in it
  int64_t fed_samples = 0;    // samples fed since Start()

  // The cepstral mean the decoder starts with. pocketsphinx updates it from
  // every utterance; restoring it at Start() makes each request's result
  // independent of the requests the decoder served before.
  std::vector<mfcc_t> initial_cmn;
  bool reset_cmn = false;

  ~Decoder() {
    if (ps != nullptr) ps_free(ps);
    if (config != nullptr) cmd_ln_free_r(config);
  }
};

Recognizer::Recognizer(std::unique_ptr<Decoder> decoder) : decoder_(std::move(decoder)) {}
Recognizer::~Recognizer() = default;

StatusOr<std::unique_ptr<Recognizer>> Recognizer::Create(const RecognizerConfig& c) {
  // pocketsphinx logs every step of its set-up to stderr; strato has its own
  // logs. The logger is global, so silence it once.
  static std::once_flag quiet;
  std::call_once(quiet, [] { err_set_logfp(nullptr); });

  const std::string root = c.model_root;
  const std::string hmm = c.acoustic_model.empty() ? root + "/en-us" : c.acoustic_model;
  const std::string dict = c.dictionary.empty() ? root + "/cmudict-en-us.dict" : c.dictionary;
  const std::string lm = c.language_model.empty() ? root + "/en-us.lm.bin" : c.language_model;
  if (Status s = CheckPath(hmm, "acoustic model folder"); !s.ok()) return s;
  if (Status s = CheckPath(dict, "dictionary"); !s.ok()) return s;

  std::vector<std::string> args = {"strato", "-hmm", hmm, "-dict", dict, "-logfn", "/dev/null"};
  if (c.mode == RecognizerMode::kLanguageModel) {
    if (Status s = CheckPath(lm, "language model"); !s.ok()) return s;
    args.insert(args.end(), {"-lm", lm});
  }
  if (c.language_weight > 0) args.insert(args.end(), {"-lw", Number(c.language_weight)});
  if (c.word_insertion_penalty > 0) {
    args.insert(args.end(), {"-wip", Number(c.word_insertion_penalty)});
  }
  if (c.beam > 0) args.insert(args.end(), {"-beam", Number(c.beam)});
  for (const auto& [flag, value] : c.extra_args) {
    args.push_back(flag.starts_with("-") ? flag : "-" + flag);
    args.push_back(value);
  }
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());

  auto decoder = std::make_unique<Decoder>();
  decoder->segment_on_silence = c.segment_on_silence;
  decoder->reset_cmn = c.reset_cmn;
  decoder->config =
      cmd_ln_parse_r(nullptr, ps_args(), static_cast<int32>(argv.size()), argv.data(), TRUE);
  if (decoder->config == nullptr) {
    return InvalidArgumentError("pocketsphinx rejected its arguments (an unknown extra flag?)");
  }
  decoder->ps = ps_init(decoder->config);
  if (decoder->ps == nullptr) {
    return InvalidArgumentError("pocketsphinx could not load its models from " + root);
  }
  if (const cmn_t* cmn = ps_get_feat(decoder->ps)->cmn_struct; cmn != nullptr) {
    decoder->initial_cmn.assign(cmn->cmn_mean, cmn->cmn_mean + cmn->veclen);
  }
  if (c.mode == RecognizerMode::kGrammar) {
    if (c.grammar.empty()) return InvalidArgumentError("grammar mode needs a JSGF grammar");
    if (ps_set_jsgf_string(decoder->ps, "grammar", c.grammar.c_str()) != 0) {
      return InvalidArgumentError(
          "the JSGF grammar does not compile (syntax error, no public rule, or a word missing "
          "from the dictionary)");
    }
    ps_set_search(decoder->ps, "grammar");
  } else if (c.mode == RecognizerMode::kKeyphrase) {
    if (c.keyphrase.empty()) return InvalidArgumentError("keyphrase mode needs a keyphrase");
    cmd_ln_set_float_r(decoder->config, "-kws_threshold", c.keyphrase_threshold);
    if (ps_set_keyphrase(decoder->ps, "keyphrase", c.keyphrase.c_str()) != 0) {
      return InvalidArgumentError("the keyphrase '" + c.keyphrase +
                                  "' has a word missing from the dictionary");
    }
    ps_set_search(decoder->ps, "keyphrase");
  }
  return std::unique_ptr<Recognizer>(new Recognizer(std::move(decoder)));
}

Status Recognizer::Start() {
  Decoder& d = *decoder_;
  if (d.started) ps_end_utt(d.ps);
  d.fed_samples = 0;
  d.heard_speech = false;
  if (cmn_t* cmn = ps_get_feat(d.ps)->cmn_struct;
      cmn != nullptr && d.reset_cmn && !d.initial_cmn.empty()) {
    cmn_live_set(cmn, d.initial_cmn.data());
  }
  // A new stream restarts pocketsphinx's frame count, which word timings
  // are measured in (it runs on across the utterances of one stream).
  ps_start_stream(d.ps);
  if (ps_start_utt(d.ps) != 0) return InternalError("pocketsphinx could not start an utterance");
  d.started = true;
  return Status::Ok();
}

Status Recognizer::EndUtterance(std::vector<Segment>* out) {
  Decoder& d = *decoder_;
  if (ps_end_utt(d.ps) != 0) return InternalError("pocketsphinx could not end the utterance");
  d.started = false;
  int32 score = 0;
  const char* hyp = ps_get_hyp(d.ps, &score);
  if (hyp != nullptr && *hyp != '\0') {
    Segment seg;
    seg.text = hyp;
    logmath_t* lmath = ps_get_logmath(d.ps);
    bool first = true;
    for (ps_seg_t* it = ps_seg_iter(d.ps); it != nullptr; it = ps_seg_next(it)) {
      const char* w = ps_seg_word(it);
      if (w == nullptr || IsFiller(w)) continue;
      int sf = 0, ef = 0;
      ps_seg_frames(it, &sf, &ef);
      int32 ascr = 0, lscr = 0, lback = 0;
      const int32 post = ps_seg_prob(it, &ascr, &lscr, &lback);
      Word word;
      word.text = BaseWord(w);
      word.start = sf / kFramesPerSecond;
      word.end = (ef + 1) / kFramesPerSecond;
      word.confidence = std::clamp(logmath_exp(lmath, post), 0.0, 1.0);
      if (first) seg.start = word.start;
      first = false;
      seg.end = word.end;
      seg.words.push_back(std::move(word));
    }
    if (first) {
      seg.start = static_cast<double>(d.fed_samples) / kSampleRate;
      seg.end = static_cast<double>(d.fed_samples) / kSampleRate;
    }
    out->push_back(std::move(seg));
  }
  return Status::Ok();
}

StatusOr<std::vector<Segment>> Recognizer::Feed(std::span<const int16_t> chunk) {
  Decoder& d = *decoder_;
  if (!d.started) return FailedPreconditionError("Feed before Start");
  std::vector<Segment> out;
  // pocketsphinx_continuous feeds 2048-sample blocks and checks the
  // voice-activity state after each; doing the same keeps its cut points.
  constexpr size_t kBlock = 2048;
  for (size_t pos = 0; pos < chunk.size(); pos += kBlock) {
    const size_t n = std::min(kBlock, chunk.size() - pos);
    if (ps_process_raw(d.ps, chunk.data() + pos, n, FALSE, FALSE) < 0) {
      return InternalError("pocketsphinx failed to process audio");
    }
    d.fed_samples += static_cast<int64_t>(n);
    if (!d.segment_on_silence) continue;
    const bool in_speech = ps_get_in_speech(d.ps) != 0;
    if (in_speech && !d.heard_speech) d.heard_speech = true;
    if (!in_speech && d.heard_speech) {
      if (Status s = EndUtterance(&out); !s.ok()) return s;
      d.heard_speech = false;
      if (ps_start_utt(d.ps) != 0)
        return InternalError("pocketsphinx could not start an utterance");
      d.started = true;
    }
  }
  return out;
}

std::string Recognizer::Partial() {
  if (!decoder_->started) return {};
  int32 score = 0;
  const char* hyp = ps_get_hyp(decoder_->ps, &score);
  return hyp != nullptr ? std::string(hyp) : std::string();
}

bool Recognizer::InSpeech() { return decoder_->started && ps_get_in_speech(decoder_->ps) != 0; }

StatusOr<std::vector<Segment>> Recognizer::Finish() {
  std::vector<Segment> out;
  if (!decoder_->started) return out;
  if (Status s = EndUtterance(&out); !s.ok()) return s;
  return out;
}

StatusOr<Transcript> Recognizer::Recognize(std::span<const int16_t> samples) {
  if (Status s = Start(); !s.ok()) return s;
  Transcript t;
  t.audio_seconds = static_cast<double>(samples.size()) / kSampleRate;
  auto fed = Feed(samples);
  if (!fed.ok()) return fed.status();
  t.segments = std::move(fed).value();
  auto rest = Finish();
  if (!rest.ok()) return rest.status();
  for (Segment& s : *rest) t.segments.push_back(std::move(s));
  for (const Segment& s : t.segments) {
    if (!t.text.empty()) t.text += ' ';
    t.text += s.text;
  }
  return t;
}

std::string NormalizeTranscript(std::string_view text) {
  std::string out;
  bool space = false;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '\'') {
      if (space && !out.empty()) out += ' ';
      space = false;
      out += static_cast<char>(std::tolower(c));
    } else {
      space = true;
    }
  }
  return out;
}

}  // namespace strato::speech
