#include "strato/sentiment/train.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "trainers.h"

namespace strato::sentiment {
namespace {

constexpr int kReliabilityBins = 10;
constexpr double kStackL2 = 1e-3;

bool HasFamily(const std::string& family, std::string_view name) {
  return family == name || family == "ensemble";
}

void Report(const TrainOptions& options, std::string_view stage, double fraction) {
  if (options.progress) options.progress(stage, fraction);
}

}  // namespace

Status TrainOptions::Validate() const {
  RETURN_IF_ERROR(ngrams.Validate());
  if (family != "nbsvm" && family != "fasttext" && family != "ensemble") {
    return InvalidArgumentError("family must be nbsvm, fasttext or ensemble, not '" + family + "'");
  }
  if (!(holdout_fraction > 0 && holdout_fraction < 0.5)) {
    return InvalidArgumentError("holdout fraction must be in (0, 0.5), not " +
                                std::to_string(holdout_fraction));
  }
  if (nbsvm.epochs < 1 || nbsvm.learning_rate <= 0 || nbsvm.alpha <= 0 || nbsvm.l2 < 0) {
    return InvalidArgumentError("nbsvm needs epochs >= 1, learning rate > 0, alpha > 0, l2 >= 0");
  }
  if (fasttext.epochs < 1 || fasttext.learning_rate <= 0 || fasttext.dim < 1 ||
      fasttext.dim > 1024) {
    return InvalidArgumentError("fasttext needs epochs >= 1, learning rate > 0, 1 <= dim <= 1024");
  }
  return Status::Ok();
}

Scores ScoreProbabilities(std::string name, const std::vector<double>& p_positive,
                          const std::vector<int>& labels) {
  Scores s;
  s.name = std::move(name);
  s.rows = p_positive.size();
  s.reliability.resize(kReliabilityBins);
  for (int b = 0; b < kReliabilityBins; ++b) {
    s.reliability[b].confidence_low = 0.5 + 0.5 * b / kReliabilityBins;
    s.reliability[b].confidence_high = 0.5 + 0.5 * (b + 1) / kReliabilityBins;
  }
  if (s.rows == 0) return s;
  size_t correct = 0;
  double log_loss = 0;
  for (size_t i = 0; i < s.rows; ++i) {
    const double p = p_positive[i];
    const int predicted = p >= 0.5 ? 1 : 0;
    const double confidence = predicted == 1 ? p : 1 - p;
    const bool right = predicted == labels[i];
    correct += right ? 1 : 0;
    const double p_true = labels[i] == 1 ? p : 1 - p;
    log_loss -= std::log(std::max(p_true, 1e-15));
    int bin = static_cast<int>((confidence - 0.5) * 2 * kReliabilityBins);
    bin = std::clamp(bin, 0, kReliabilityBins - 1);
    ReliabilityBin& r = s.reliability[bin];
    ++r.count;
    r.mean_confidence += confidence;
    r.accuracy += right ? 1 : 0;
  }
  for (ReliabilityBin& r : s.reliability) {
    if (r.count == 0) continue;
    r.mean_confidence /= static_cast<double>(r.count);
    r.accuracy /= static_cast<double>(r.count);
    s.ece += static_cast<double>(r.count) / static_cast<double>(s.rows) *
             std::fabs(r.accuracy - r.mean_confidence);
  }
  s.accuracy = static_cast<double>(correct) / static_cast<double>(s.rows);
  s.log_loss = log_loss / static_cast<double>(s.rows);
  return s;
}

StatusOr<TrainResult> Train(const std::vector<LabeledText>& data, const TrainOptions& options) {
  RETURN_IF_ERROR(options.Validate());
  const auto start = std::chrono::steady_clock::now();
  if (data.size() < 10) return InvalidArgumentError("need at least 10 labelled texts to train");

  // 1. Tokens and n-gram hashes of every text.
  const text::Tokenizer tokenizer(options.tokenizer);
  std::vector<std::vector<uint64_t>> hashes(data.size());
  std::vector<text::Ngram> ngrams;
  for (size_t i = 0; i < data.size(); ++i) {
    auto tokens = tokenizer.Tokenize(data[i].text);
    if (!tokens.ok()) return tokens.status().WithPrefix("training row " + std::to_string(i + 1));
    ngrams.clear();
    text::ExtractNgrams(*tokens, options.ngrams, &ngrams);
    hashes[i].reserve(ngrams.size());
    for (const text::Ngram& g : ngrams) hashes[i].push_back(g.hash);
    if (i % 8192 == 0) Report(options, "tokenize", static_cast<double>(i) / data.size());
  }
  Report(options, "tokenize", 1.0);

  // 2. Held-back split for calibration and stacking.
  const std::vector<size_t> order = Permutation(data.size(), options.seed);
  const size_t holdout_rows =
      std::max<size_t>(2, static_cast<size_t>(std::llround(options.holdout_fraction *
                                                           static_cast<double>(data.size()))));
  std::vector<bool> in_holdout(data.size(), false);
  for (size_t k = 0; k < holdout_rows; ++k) in_holdout[order[k]] = true;

  // 3. Feature space: a vocabulary from the training part, or hashing.
  text::Featurizer featurizer(options.tokenizer, options.ngrams, options.hash_buckets);
  if (options.hash_buckets == 0) {
    std::vector<uint64_t> occurrences;  // each text's distinct n-grams
    std::vector<uint64_t> distinct;
    for (size_t i = 0; i < data.size(); ++i) {
      if (in_holdout[i]) continue;
      distinct = hashes[i];
      std::sort(distinct.begin(), distinct.end());
      distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
      occurrences.insert(occurrences.end(), distinct.begin(), distinct.end());
    }
    featurizer =
        text::Featurizer(options.tokenizer, options.ngrams,
                         text::Vocabulary::BuildFromOccurrences(
                             std::move(occurrences), options.min_count, options.max_features));
  }
  const size_t dimension = featurizer.dimension();
  if (dimension == 0) return InvalidArgumentError("no n-gram passed the vocabulary limits");
  std::vector<Example> train_set, holdout_set;
  for (size_t i = 0; i < data.size(); ++i) {
    Example e;
    e.label = data[i].label;
    for (const uint64_t h : hashes[i]) {
      const int64_t id = options.hash_buckets != 0 ? static_cast<int64_t>(h % options.hash_buckets)
                                                   : featurizer.vocabulary().Find(h);
      if (id >= 0) e.ids.push_back(static_cast<uint32_t>(id));
    }
    (in_holdout[i] ? holdout_set : train_set).push_back(std::move(e));
  }
  hashes.clear();
  hashes.shrink_to_fit();

  // 4. Families.
  std::vector<LinearFamily> families;
  if (HasFamily(options.family, "nbsvm")) {
    families.push_back(TrainNbsvm(train_set, dimension, options.nbsvm, options.seed,
                                  [&](double f) { Report(options, "nbsvm", f); }));
  }
  if (HasFamily(options.family, "fasttext")) {
    families.push_back(TrainFastText(train_set, dimension, options.fasttext, options.seed,
                                     [&](double f) { Report(options, "fasttext", f); }));
  }

  // 5. Calibration (Platt) per family and stacking, on the held-back split.
  std::vector<int> holdout_labels;
  for (const Example& e : holdout_set) holdout_labels.push_back(e.label);
  SentimentModel raw(featurizer, families, {}, families[0].name);
  std::vector<std::vector<double>> logits(holdout_set.size(), std::vector<double>(families.size()));
  for (size_t i = 0; i < holdout_set.size(); ++i) {
    text::FeaturizedText f;
    f.ids = holdout_set[i].ids;
    for (size_t k = 0; k < families.size(); ++k) logits[i][k] = raw.FamilyLogit(k, f);
  }
  for (size_t k = 0; k < families.size(); ++k) {
    std::vector<std::vector<double>> one(holdout_set.size(), std::vector<double>(1));
    for (size_t i = 0; i < holdout_set.size(); ++i) one[i][0] = logits[i][k];
    const std::vector<double> ab = FitSmallLogistic(one, holdout_labels, 0.0);
    families[k].calibration_b = ab[0];
    families[k].calibration_a = ab[1];
  }
  std::vector<double> stack;
  std::string output = families[0].name;
  if (options.family == "ensemble") {
    stack = FitSmallLogistic(logits, holdout_labels, kStackL2);
    output = "ensemble";
  }
  Report(options, "calibrate", 1.0);

  TrainResult result{SentimentModel(std::move(featurizer), std::move(families), std::move(stack),
                                    std::move(output)),
                     {},
                     train_set.size(),
                     holdout_set.size(),
                     0};
  RETURN_IF_ERROR(result.model.Validate());

  // Held-back scores (in-sample for calibration, so optimistic on ECE).
  const SentimentModel& model = result.model;
  for (size_t k = 0; k <= model.families().size(); ++k) {
    const bool served = k == model.families().size();
    std::vector<double> p;
    for (const Example& e : holdout_set) {
      text::FeaturizedText f;
      f.ids = e.ids;
      p.push_back(served ? Sigmoid(model.ServedLogit(f)) : model.FamilyProbability(k, f));
    }
    result.holdout.push_back(ScoreProbabilities(
        served ? "served (" + model.output() + ")" : model.families()[k].name, p, holdout_labels));
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

StatusOr<std::vector<Scores>> Evaluate(const SentimentModel& model,
                                       const std::vector<LabeledText>& data) {
  const size_t families = model.families().size();
  std::vector<std::vector<double>> p(families + 1);
  std::vector<int> labels;
  for (size_t i = 0; i < data.size(); ++i) {
    auto f = model.featurizer().Featurize(data[i].text);
    if (!f.ok()) return f.status().WithPrefix("row " + std::to_string(i + 1));
    for (size_t k = 0; k < families; ++k) p[k].push_back(model.FamilyProbability(k, *f));
    p[families].push_back(model.PredictFeatures(*f).positive_probability);
    labels.push_back(data[i].label);
  }
  std::vector<Scores> scores;
  for (size_t k = 0; k <= families; ++k) {
    scores.push_back(ScoreProbabilities(
        k == families ? "served (" + model.output() + ")" : model.families()[k].name, p[k],
        labels));
  }
  return scores;
}

}  // namespace strato::sentiment
