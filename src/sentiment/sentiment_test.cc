#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include "strato/sentiment/json_text.h"
#include "strato/sentiment/model.h"
#include "strato/sentiment/repository.h"
#include "strato/sentiment/train.h"

namespace strato::sentiment {
namespace {

namespace fs = std::filesystem;

// A small synthetic review set: a sentiment word, fillers, and negation
// ("not good" is negative) that only n-grams can resolve.
std::vector<LabeledText> SyntheticReviews(size_t n, uint64_t seed) {
  const std::vector<std::string> positive = {"great",  "wonderful", "charming",
                                             "moving", "superb",    "fun"};
  const std::vector<std::string> negative = {"boring", "awful", "dull", "tedious", "mess", "bad"};
  const std::vector<std::string> filler = {"the",   "movie", "plot", "actors", "a",     "film",
                                           "story", "is",    "was",  "really", "quite", "ending"};
  std::mt19937_64 rng(seed);
  std::vector<LabeledText> rows;
  for (size_t i = 0; i < n; ++i) {
    int label = static_cast<int>(rng() % 2);
    const bool negate = rng() % 4 == 0;
    const auto& words = (label == 1) != negate ? positive : negative;
    std::string text;
    for (int k = 0; k < 3; ++k) text += filler[rng() % filler.size()] + " ";
    if (negate) text += "not ";
    text += words[rng() % words.size()];
    for (int k = 0; k < 2; ++k) text += " " + filler[rng() % filler.size()];
    if (rng() % 10 == 0) label = 1 - label;  // label noise
    rows.push_back({text, label});
  }
  return rows;
}

double Accuracy(const SentimentModel& model, const std::vector<LabeledText>& rows) {
  size_t right = 0;
  for (const LabeledText& r : rows) {
    auto p = model.Predict(r.text);
    EXPECT_TRUE(p.ok());
    right += p.ok() && p->label == r.label ? 1 : 0;
  }
  return static_cast<double>(right) / rows.size();
}

class FamilyTest : public ::testing::TestWithParam<std::string> {};

TEST_P(FamilyTest, BeatsChanceOnHeldBackTexts) {
  const std::vector<LabeledText> train = SyntheticReviews(1500, 1);
  const std::vector<LabeledText> test = SyntheticReviews(400, 2);
  TrainOptions options;
  options.family = GetParam();
  options.ngrams.word_max = 2;
  auto result = Train(train, options);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const double accuracy = Accuracy(result->model, test);
  // 10% label noise caps accuracy near 90%; chance is 50%.
  EXPECT_GT(accuracy, 0.8) << GetParam();
  auto scores = Evaluate(result->model, test);
  ASSERT_TRUE(scores.ok());
  EXPECT_DOUBLE_EQ(scores->back().accuracy, accuracy);
  EXPECT_LT(scores->back().ece, 0.15);  // 150 held-back texts calibrate it
}

INSTANTIATE_TEST_SUITE_P(Families, FamilyTest, ::testing::Values("nbsvm", "fasttext", "ensemble"));

TEST(SentimentModel, SavedModelPredictsBitForBit) {
  TrainOptions options;
  options.family = "ensemble";
  auto result = Train(SyntheticReviews(600, 3), options);
  ASSERT_TRUE(result.ok());
  const fs::path dir = fs::temp_directory_path() / ("sentiment_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  ASSERT_TRUE(SaveModel(result->model, dir / "m.model").ok());
  auto loaded = LoadModel(dir / "m.model");
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  for (const std::string text :
       {"a great film \xF0\x9F\x98\x8D", "not good &amp; boring", "", "Caf\xC3\xA9!!"}) {
    auto a = result->model.Predict(text);
    auto b = loaded->Predict(text);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(a->label, b->label);
    EXPECT_EQ(std::memcmp(&a->score, &b->score, sizeof(float)), 0) << text;
    EXPECT_EQ(a->positive_probability, b->positive_probability);
  }
  // Saving again gives the same bytes (deterministic format).
  ASSERT_TRUE(SaveModel(*loaded, dir / "m2.model").ok());
  EXPECT_EQ(fs::file_size(dir / "m.model"), fs::file_size(dir / "m2.model"));

  // Training twice gives the same model.
  auto again = Train(SyntheticReviews(600, 3), options);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->model.families()[1].weights, result->model.families()[1].weights);

  // A damaged file is refused with a reason.
  fs::resize_file(dir / "m2.model", fs::file_size(dir / "m2.model") / 2);
  auto broken = LoadModel(dir / "m2.model");
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.status().message().find("truncated"), std::string::npos);
  fs::remove_all(dir);
}

TEST(SentimentModel, ExplanationsNameTheDecidingWords) {
  TrainOptions options;
  options.family = "ensemble";
  auto result = Train(SyntheticReviews(1500, 4), options);
  ASSERT_TRUE(result.ok());
  auto features = result->model.featurizer().Featurize("the plot was wonderful");
  ASSERT_TRUE(features.ok());
  const std::vector<WordWeight> words = result->model.Explain(*features, 2);
  ASSERT_EQ(words.size(), 2u);
  EXPECT_EQ(words[0].word, "wonderful");
  EXPECT_GT(words[0].weight, 0);
  // Contributions add up to the served log-odds minus the intercept part.
  const std::vector<WordWeight> all = result->model.Explain(*features, 100);
  double sum = 0;
  for (const WordWeight& w : all) sum += w.weight;
  text::FeaturizedText empty;
  const double intercept = result->model.ServedLogit(empty);
  EXPECT_NEAR(sum, result->model.ServedLogit(*features) - intercept, 1e-9);
  EXPECT_EQ(ExplanationJson({{"a\"b", 0.5}}), "[{\"word\":\"a\\\"b\",\"weight\":0.5}]");
}

TEST(SentimentModel, RefusesBadTextWithAReason) {
  TrainOptions options;
  options.family = "nbsvm";
  auto result = Train(SyntheticReviews(200, 5), options);
  ASSERT_TRUE(result.ok());
  auto bad = result->model.Predict("good \xff");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("invalid UTF-8"), std::string::npos);
  auto huge = result->model.Predict(std::string(2u << 20, 'a'));
  ASSERT_FALSE(huge.ok());
  EXPECT_NE(huge.status().message().find("above the limit"), std::string::npos);
}

TEST(Training, OptionsAreChecked) {
  TrainOptions options;
  options.family = "cnn";
  EXPECT_NE(Train(SyntheticReviews(50, 6), options)
                .status()
                .message()
                .find("nbsvm, fasttext or ensemble"),
            std::string::npos);
  options.family = "nbsvm";
  EXPECT_FALSE(Train(SyntheticReviews(5, 6), options).ok());
}

TEST(Repository, RegistersNumberedVersionsAndOneConfig) {
  TrainOptions options;
  options.family = "nbsvm";
  auto result = Train(SyntheticReviews(200, 7), options);
  ASSERT_TRUE(result.ok());
  const fs::path repo =
      fs::temp_directory_path() / ("sentiment_repo_" + std::to_string(::getpid()));
  auto first = RegisterInRepository(result->model, repo, "reviews");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->version, 1);
  EXPECT_TRUE(first->wrote_config);
  auto second = RegisterInRepository(result->model, repo, "reviews");
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->version, 2);
  EXPECT_FALSE(second->wrote_config);
  EXPECT_TRUE(fs::exists(repo / "reviews" / "2" / kModelFileName));
  EXPECT_FALSE(RegisterInRepository(result->model, repo, "../x").ok());
  fs::remove_all(repo);
}

TEST(Scores, EceOfPerfectlyCalibratedAndOverconfident) {
  // 10 texts at p=0.9, 9 of them positive: calibrated, ECE 0.
  std::vector<double> p(10, 0.9);
  std::vector<int> labels = {1, 1, 1, 1, 1, 1, 1, 1, 1, 0};
  EXPECT_NEAR(ScoreProbabilities("x", p, labels).ece, 0.0, 1e-12);
  labels = {1, 1, 1, 1, 1, 0, 0, 0, 0, 0};  // 50% right at 90% confidence
  EXPECT_NEAR(ScoreProbabilities("x", p, labels).ece, 0.4, 1e-12);
  EXPECT_NEAR(ScoreProbabilities("x", p, labels).accuracy, 0.5, 1e-12);
}

TEST(Dataset, ReadsTsvAndNamesBadLines) {
  const fs::path file =
      fs::temp_directory_path() / ("sentiment_tsv_" + std::to_string(::getpid()) + ".tsv");
  {
    std::ofstream out(file);
    out << "sentence\tlabel\ngood film \t1\nbad\t0\r\n";
  }
  auto rows = ReadTsv(file);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].text, "good film ");
  EXPECT_EQ((*rows)[1].label, 0);
  {
    std::ofstream out(file);
    out << "sentence\tlabel\ngood\t1\nbad\tmaybe\n";
  }
  auto bad = ReadTsv(file);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find(":3: label 'maybe'"), std::string::npos);
  fs::remove(file);
}

}  // namespace
}  // namespace strato::sentiment
