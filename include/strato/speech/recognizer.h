// Speech recognition with pocketsphinx (CMU Sphinx, Debian's
// libpocketsphinx 5prealpha and its en-us models).
//
// Three modes: general dictation with an n-gram language model, a JSGF
// grammar (command and control: the result is one of the grammar's
// sentences), and keyphrase spotting. Audio is 16 kHz mono 16-bit (see
// DecodeAudio). Like pocketsphinx_continuous, the recogniser cuts the audio
// into utterances where its voice-activity detector hears silence; each
// utterance becomes a Segment with word timings.
//
// Streaming: Start(), then Feed() chunks as they arrive (it returns the
// segments that ended inside them), Partial() for the hypothesis so far, and
// Finish() for the last segment. Recognize() does all of that for a buffer.
//
// Thread-safety: a Recognizer is used by one thread at a time (a pocketsphinx
// decoder has mutable state); create one per worker.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "strato/core/status.h"

namespace strato::speech {

enum class RecognizerMode { kLanguageModel, kGrammar, kKeyphrase };

struct RecognizerConfig {
  RecognizerMode mode = RecognizerMode::kLanguageModel;
  // Empty: Debian's pocketsphinx-en-us files under model_root.
  std::string model_root = "/usr/share/pocketsphinx/model/en-us";
  std::string acoustic_model;  // -hmm folder; default <root>/en-us
  std::string dictionary;      // -dict; default <root>/cmudict-en-us.dict
  std::string language_model;  // -lm;   default <root>/en-us.lm.bin
  std::string grammar;         // JSGF text (kGrammar)
  std::string keyphrase;       // words to spot (kKeyphrase)
  double keyphrase_threshold = 1e-20;
  // Decoder weights; <= 0 keeps pocketsphinx's default.
  double language_weight = 0;         // -lw (default 6.5)
  double word_insertion_penalty = 0;  // -wip (default 0.65)
  double beam = 0;                    // -beam (default 1e-48)
  // Cut the audio into utterances at silences (pocketsphinx_continuous's
  // behaviour). Off: the whole buffer is one utterance.
  bool segment_on_silence = true;
  // Restore the initial cepstral mean at every Start(). pocketsphinx adapts
  // its live mean from each utterance it hears; carried over (false, the
  // default) it helps when one channel and speaker follow each other, but a
  // request's result then depends on what the decoder heard before. True
  // makes every request independent (and deterministic).
  bool reset_cmn = false;
  // Extra "-flag value" pairs passed to pocketsphinx as is.
  std::vector<std::pair<std::string, std::string>> extra_args;
};

struct Word {
  std::string text;
  double start = 0;  // seconds from the start of the audio
  double end = 0;
  double confidence = 0;  // posterior in [0, 1] where pocketsphinx computes one
};

struct Segment {
  std::string text;
  double start = 0;
  double end = 0;
  std::vector<Word> words;
};

struct Transcript {
  std::string text;  // segments joined by spaces
  std::vector<Segment> segments;
  double audio_seconds = 0;
};

class Recognizer {
 public:
  static StatusOr<std::unique_ptr<Recognizer>> Create(const RecognizerConfig& config);
  ~Recognizer();
  Recognizer(const Recognizer&) = delete;
  Recognizer& operator=(const Recognizer&) = delete;

  static constexpr int kSampleRate = 16000;

  // Recognises a whole buffer of 16 kHz mono samples.
  StatusOr<Transcript> Recognize(std::span<const int16_t> samples);

  // Streaming. Start resets the stream; Feed returns the segments that ended
  // in `chunk`; Finish returns the rest and leaves the stream stopped.
  Status Start();
  StatusOr<std::vector<Segment>> Feed(std::span<const int16_t> chunk);
  std::string Partial();
  StatusOr<std::vector<Segment>> Finish();
  // Whether the voice-activity detector hears speech now.
  bool InSpeech();

 private:
  struct Decoder;
  explicit Recognizer(std::unique_ptr<Decoder> decoder);
  Status EndUtterance(std::vector<Segment>* out);

  std::unique_ptr<Decoder> decoder_;
};

// Lower case, punctuation removed, one space between words: the
// normalisation the WER scripts and tests compare with.
std::string NormalizeTranscript(std::string_view text);

}  // namespace strato::speech
