// Training and evaluation of sentiment models (binary: negative/positive).
//
// Train() builds the vocabulary from the training texts, holds back a
// deterministic split for calibration, trains the chosen families, fits each
// family's Platt scaling on the held-back split and, for "ensemble", a
// stacked logistic regression over the families' log-odds (Wolpert 1992).
// Everything is single-threaded and seeded, so the same data and options
// give the same model file byte for byte.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "strato/sentiment/model.h"

namespace strato::sentiment {

struct LabeledText {
  std::string text;
  int label = 0;  // 0 = negative, 1 = positive
};

// Reads a TSV file with a header line: the first column is the text, the
// last the label (0/1, or negative/positive). Errors name the line.
// `max_rows` > 0 stops after that many rows.
StatusOr<std::vector<LabeledText>> ReadTsv(const std::filesystem::path& file, size_t max_rows = 0);

struct NbsvmOptions {
  double alpha = 1.0;          // Laplace smoothing of the log-count ratios
  double l2 = 1e-6;            // per-update L2 shrinkage
  double learning_rate = 0.2;  // AdaGrad step
  int epochs = 3;
};

struct FastTextOptions {
  int dim = 32;
  int epochs = 10;
  double learning_rate = 0.2;  // decays linearly to 0 as in fastText
};

struct TrainOptions {
  text::TokenizerOptions tokenizer;
  text::NgramOptions ngrams = {.word_min = 1, .word_max = 3, .char_min = 0, .char_max = 0};
  uint32_t min_count = 1;           // vocabulary: n-grams in at least this many texts
  size_t max_features = 2000000;    // vocabulary: at most this many n-grams (0 = all)
  uint32_t hash_buckets = 0;        // > 0: hash into buckets instead of a vocabulary
  std::string family = "ensemble";  // nbsvm | fasttext | ensemble
  double holdout_fraction = 0.1;    // calibration / stacking split
  uint64_t seed = 1;
  NbsvmOptions nbsvm;
  FastTextOptions fasttext;
  // Called with a stage name and the fraction of it done (0..1).
  std::function<void(std::string_view stage, double fraction)> progress;

  Status Validate() const;
};

// Reliability of predicted probabilities: accuracy vs confidence in equal
// confidence bins.
struct ReliabilityBin {
  double confidence_low = 0, confidence_high = 0;
  size_t count = 0;
  double mean_confidence = 0;
  double accuracy = 0;
};

struct Scores {
  std::string name;  // a family, "ensemble", or "served"
  size_t rows = 0;
  double accuracy = 0;
  double ece = 0;  // expected calibration error, 10 bins
  double log_loss = 0;
  std::vector<ReliabilityBin> reliability;
};

// Accuracy, ECE, log-loss of probabilities `p_positive` against `labels`.
Scores ScoreProbabilities(std::string name, const std::vector<double>& p_positive,
                          const std::vector<int>& labels);

struct TrainResult {
  SentimentModel model;
  std::vector<Scores> holdout;  // per family and served, on the held-back split
  size_t train_rows = 0;
  size_t holdout_rows = 0;
  double seconds = 0;
};

StatusOr<TrainResult> Train(const std::vector<LabeledText>& data, const TrainOptions& options);

// Parameter search: a small grid per family (NB-SVM learning rate and
// epochs; fastText learning rate, dimension and epochs), each candidate
// trained on `data` and scored on `validation` (log-loss of its calibrated
// probabilities, the smoother criterion on small sets; accuracy reported).
// For "ensemble" each family is searched alone, then the ensemble is
// trained with the winners. Returns the options to train with.
struct Trial {
  std::string family;
  std::string parameters;  // "lr=0.05 epochs=3"
  Scores validation;
};

struct SearchResult {
  TrainOptions best;
  std::vector<Trial> trials;
};

StatusOr<SearchResult> SearchParameters(const std::vector<LabeledText>& data,
                                        const std::vector<LabeledText>& validation,
                                        const TrainOptions& base,
                                        const std::function<void(const Trial&)>& on_trial = {});

// Scores every family alone and the served output on `data`. Texts the
// tokenizer refuses are an error naming the row.
StatusOr<std::vector<Scores>> Evaluate(const SentimentModel& model,
                                       const std::vector<LabeledText>& data);

}  // namespace strato::sentiment
