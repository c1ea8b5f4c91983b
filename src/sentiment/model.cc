#include "strato/sentiment/model.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_set>

namespace strato::sentiment {

double Sigmoid(double x) {
  // Two branches keep exp() from overflowing for large |x|.
  if (x >= 0) return 1.0 / (1.0 + std::exp(-x));
  const double e = std::exp(x);
  return e / (1.0 + e);
}

SentimentModel::SentimentModel(text::Featurizer featurizer, std::vector<LinearFamily> families,
                               std::vector<double> stack, std::string output,
                               std::vector<std::string> labels)
    : featurizer_(std::move(featurizer)),
      families_(std::move(families)),
      stack_(std::move(stack)),
      output_(std::move(output)),
      labels_(std::move(labels)) {
  for (size_t k = 0; k < families_.size(); ++k) {
    if (families_[k].name == output_) output_family_ = static_cast<int>(k);
  }
}

Status SentimentModel::Validate() const {
  if (families_.empty()) return InvalidArgumentError("sentiment model has no model family");
  if (labels_.size() != 2) return InvalidArgumentError("sentiment model needs exactly 2 labels");
  for (const LinearFamily& f : families_) {
    if (f.weights.size() != featurizer_.dimension()) {
      return InvalidArgumentError("family '" + f.name + "' has " +
                                  std::to_string(f.weights.size()) + " weights for " +
                                  std::to_string(featurizer_.dimension()) + " features");
    }
  }
  if (output_family_ < 0) {
    if (output_ != "ensemble") {
      return InvalidArgumentError("sentiment model output '" + output_ +
                                  "' is neither a trained family nor 'ensemble'");
    }
    if (stack_.size() != families_.size() + 1) {
      return InvalidArgumentError("ensemble needs " + std::to_string(families_.size() + 1) +
                                  " stacking weights, has " + std::to_string(stack_.size()));
    }
  }
  return featurizer_.ngrams().Validate();
}

double SentimentModel::FamilyLogit(size_t family, const text::FeaturizedText& features) const {
  const LinearFamily& f = families_[family];
  double sum = 0;
  if (f.pooling == Pooling::kMean) {
    for (const uint32_t id : features.ids) sum += f.weights[id];
    if (!features.ids.empty()) sum /= static_cast<double>(features.ids.size());
  } else {
    std::vector<uint32_t> distinct = features.ids;
    std::sort(distinct.begin(), distinct.end());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    for (const uint32_t id : distinct) sum += f.weights[id];
  }
  return f.bias + sum;
}

double SentimentModel::FamilyProbability(size_t family,
                                         const text::FeaturizedText& features) const {
  const LinearFamily& f = families_[family];
  return Sigmoid(f.calibration_a * FamilyLogit(family, features) + f.calibration_b);
}

double SentimentModel::ServedScale(size_t family) const {
  if (output_family_ >= 0) {
    return static_cast<int>(family) == output_family_ ? families_[family].calibration_a : 0.0;
  }
  return stack_[family + 1];
}

double SentimentModel::ServedLogit(const text::FeaturizedText& features) const {
  if (output_family_ >= 0) {
    const LinearFamily& f = families_[static_cast<size_t>(output_family_)];
    return f.calibration_a * FamilyLogit(static_cast<size_t>(output_family_), features) +
           f.calibration_b;
  }
  double logit = stack_[0];
  for (size_t k = 0; k < families_.size(); ++k) logit += stack_[k + 1] * FamilyLogit(k, features);
  return logit;
}

Prediction SentimentModel::PredictFeatures(const text::FeaturizedText& features) const {
  Prediction p;
  p.positive_probability = Sigmoid(ServedLogit(features));
  p.label = p.positive_probability >= 0.5 ? 1 : 0;
  p.score =
      static_cast<float>(p.label == 1 ? p.positive_probability : 1.0 - p.positive_probability);
  return p;
}

StatusOr<Prediction> SentimentModel::Predict(std::string_view text) const {
  ASSIGN_OR_RETURN(const text::FeaturizedText features, featurizer_.Featurize(text));
  return PredictFeatures(features);
}

std::vector<WordWeight> SentimentModel::Explain(const text::FeaturizedText& features,
                                                size_t top_k) const {
  std::vector<double> per_token(features.tokens.size(), 0.0);
  for (size_t k = 0; k < families_.size(); ++k) {
    const double scale = ServedScale(k);
    if (scale == 0) continue;
    const LinearFamily& f = families_[k];
    std::unordered_set<uint32_t> seen;
    double occurrence_scale = scale;
    if (f.pooling == Pooling::kMean) {
      if (features.ids.empty()) continue;
      occurrence_scale /= static_cast<double>(features.ids.size());
    }
    for (size_t i = 0; i < features.ids.size(); ++i) {
      const uint32_t id = features.ids[i];
      if (f.pooling == Pooling::kSumDistinct) {
        // Counted once, credited to its first occurrence.
        if (!seen.insert(id).second) continue;
      }
      const double share = occurrence_scale * f.weights[id] / features.token_count[i];
      for (uint32_t t = 0; t < features.token_count[i]; ++t) {
        per_token[features.first_token[i] + t] += share;
      }
    }
  }
  std::map<std::string, double> by_word;
  for (size_t t = 0; t < per_token.size(); ++t) by_word[features.tokens[t]] += per_token[t];
  std::vector<WordWeight> words;
  words.reserve(by_word.size());
  for (auto& [word, weight] : by_word) words.push_back({word, weight});
  std::stable_sort(words.begin(), words.end(), [](const WordWeight& a, const WordWeight& b) {
    return std::fabs(a.weight) > std::fabs(b.weight);
  });
  if (words.size() > top_k) words.resize(top_k);
  return words;
}

size_t SentimentModel::memory_bytes() const {
  size_t bytes = featurizer_.vocabulary().size() * (sizeof(uint64_t) * 3);
  for (const LinearFamily& f : families_) bytes += f.weights.size() * sizeof(float);
  return bytes;
}

}  // namespace strato::sentiment
