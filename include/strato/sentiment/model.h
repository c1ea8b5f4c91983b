// A trained sentiment model in its serving form: the featurizer (tokenizer,
// n-grams, vocabulary) and one or more model families, each reduced to a
// linear function of the text's features, plus calibration and the
// ensemble's stacking weights.
//
// Every family strato trains is linear in its features once trained:
//   - NB-SVM: logistic regression on binarised n-grams scaled by their
//     naive-Bayes log-count ratios (Wang & Manning 2012); the ratio is
//     folded into the weight, logit = bias + sum over distinct features.
//   - fastText-style: the mean of the features' embeddings times the output
//     vector (Joulin et al. 2017); each feature's embedding . output is
//     folded into one weight, logit = bias + mean over feature occurrences.
// so prediction and per-word explanations share one code path, and the
// model that answers `strato sentiment predict` and the `sentiment` backend
// is the same object read from the same file (bit-identical scores).
//
// Thread-safety: a const SentimentModel may be used from many threads.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "strato/core/status.h"
#include "strato/text/features.h"

namespace strato::sentiment {

enum class Pooling {
  kSumDistinct,  // each distinct feature counts once (NB-SVM)
  kMean,         // mean over every feature occurrence (fastText)
};

struct LinearFamily {
  std::string name;  // "nbsvm" | "fasttext"
  Pooling pooling = Pooling::kSumDistinct;
  std::vector<float> weights;  // one per feature id
  double bias = 0;
  // Platt scaling fitted on the held-out split: p = sigmoid(a * logit + b).
  double calibration_a = 1;
  double calibration_b = 0;
};

struct Prediction {
  int label = 0;    // index into labels(): 1 = positive
  float score = 0;  // probability of `label` (calibrated)
  double positive_probability = 0;
};

struct WordWeight {
  std::string word;
  double weight = 0;  // contribution to the log-odds of "positive"
};

class SentimentModel {
 public:
  // `output` names what the model answers: a family's name or "ensemble"
  // (stacked: logit = stack[0] + sum_k stack[k+1] * logit_k).
  SentimentModel(text::Featurizer featurizer, std::vector<LinearFamily> families,
                 std::vector<double> stack, std::string output,
                 std::vector<std::string> labels = {"negative", "positive"});

  // Checks that weights fit the feature space and `output` names a family
  // or "ensemble" with stacking weights for every family.
  Status Validate() const;

  // Errors: the tokenizer's (invalid UTF-8, text over the size limit).
  StatusOr<Prediction> Predict(std::string_view text) const;
  // Prediction from an already featurized text.
  Prediction PredictFeatures(const text::FeaturizedText& features) const;
  // Calibrated probability of "positive" from one family alone (training
  // reports use it to score each family).
  double FamilyProbability(size_t family, const text::FeaturizedText& features) const;
  // Raw (uncalibrated) log-odds of one family.
  double FamilyLogit(size_t family, const text::FeaturizedText& features) const;

  // The `top_k` words that moved the served log-odds most, largest |weight|
  // first; an n-gram's contribution is shared evenly by its words.
  std::vector<WordWeight> Explain(const text::FeaturizedText& features, size_t top_k) const;

  const text::Featurizer& featurizer() const { return featurizer_; }
  const std::vector<LinearFamily>& families() const { return families_; }
  const std::vector<double>& stack() const { return stack_; }
  const std::string& output() const { return output_; }
  const std::vector<std::string>& labels() const { return labels_; }
  size_t memory_bytes() const;

  // The log-odds the model serves (before the sigmoid).
  double ServedLogit(const text::FeaturizedText& features) const;

 private:
  // Multiplier of family k's raw logit in the served log-odds.
  double ServedScale(size_t family) const;

  text::Featurizer featurizer_;
  std::vector<LinearFamily> families_;
  std::vector<double> stack_;
  std::string output_;
  int output_family_ = -1;  // -1: ensemble
  std::vector<std::string> labels_;
};

// Model file: `sentiment.model` in a version folder.
inline constexpr std::string_view kModelFileName = "sentiment.model";

Status SaveModel(const SentimentModel& model, const std::filesystem::path& file);
StatusOr<SentimentModel> LoadModel(const std::filesystem::path& file);

double Sigmoid(double x);

}  // namespace strato::sentiment
