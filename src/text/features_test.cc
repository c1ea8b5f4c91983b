#include "strato/text/features.h"

#include <gtest/gtest.h>

namespace strato::text {
namespace {

TEST(Ngrams, WordNgramsCoverTheirTokens) {
  const std::vector<std::string> tokens = {"not", "very", "good"};
  NgramOptions options;
  options.word_min = 1;
  options.word_max = 2;
  std::vector<Ngram> ngrams;
  ExtractNgrams(tokens, options, &ngrams);
  ASSERT_EQ(ngrams.size(), 5u);  // not, not very, very, very good, good
  EXPECT_EQ(ngrams[1].first_token, 0u);
  EXPECT_EQ(ngrams[1].token_count, 2u);
  EXPECT_EQ(ngrams[1].hash, HashWordNgram(std::span(tokens).subspan(0, 2)));
  // Order matters and separators keep "ab c" apart from "a bc".
  EXPECT_NE(HashWordNgram(std::vector<std::string>{"a", "b"}),
            HashWordNgram(std::vector<std::string>{"b", "a"}));
  EXPECT_NE(HashWordNgram(std::vector<std::string>{"ab", "c"}),
            HashWordNgram(std::vector<std::string>{"a", "bc"}));
  EXPECT_NE(HashWordNgram(std::vector<std::string>{"ab"}),
            HashWordNgram(std::vector<std::string>{"a", "b"}));
}

TEST(Ngrams, CharacterNgramsCountCodePoints) {
  NgramOptions options;
  options.word_min = 0;
  options.word_max = 0;
  options.char_min = 3;
  options.char_max = 3;
  ASSERT_TRUE(options.Validate().ok());
  std::vector<Ngram> ngrams;
  ExtractNgrams(std::vector<std::string>{"caf\u00e9"}, options, &ngrams);
  EXPECT_EQ(ngrams.size(), 4u);  // <ca caf afé fé>
  for (const Ngram& g : ngrams) EXPECT_EQ(g.first_token, 0u);
}

TEST(Ngrams, ValidateNamesTheProblem) {
  NgramOptions bad;
  bad.word_min = 3;
  bad.word_max = 2;
  EXPECT_NE(bad.Validate().message().find("3..2"), std::string::npos);
}

TEST(Vocabulary, KeepsFrequentEntriesDeterministically) {
  std::unordered_map<uint64_t, uint32_t> counts = {{10, 5}, {11, 1}, {12, 5}, {13, 3}};
  const Vocabulary v = Vocabulary::Build(counts, 2, 2);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v.Find(10), 0);  // count 5, smaller hash first
  EXPECT_EQ(v.Find(12), 1);
  EXPECT_EQ(v.Find(13), -1);  // cut by max_size
  EXPECT_EQ(v.Find(11), -1);  // cut by min_count
  EXPECT_FALSE(Vocabulary::FromHashes({1, 2, 1}).ok());
}

TEST(Featurizer, SameTextSameFeaturesAndUnknownsDropped) {
  TokenizerOptions t;
  NgramOptions n;
  std::unordered_map<uint64_t, uint32_t> counts;
  std::vector<Ngram> ngrams;
  ExtractNgrams(*Tokenizer(t).Tokenize("a great movie"), n, &ngrams);
  for (const Ngram& g : ngrams) counts[g.hash] = 1;
  const Featurizer f(t, n, Vocabulary::Build(counts, 1, 0));
  auto a = f.Featurize("A GREAT movie!");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->tokens, (std::vector<std::string>{"a", "great", "movie", "!"}));
  EXPECT_EQ(a->ids.size(), 5u);  // "movie !" and "!" are unknown
  auto b = f.Featurize("a great movie !");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(a->ids, b->ids);
  const Featurizer hashed(t, n, 1024u);
  auto h = hashed.Featurize("a great movie !");
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->ids.size(), 7u);
  for (uint32_t id : h->ids) EXPECT_LT(id, 1024u);
  EXPECT_FALSE(f.Featurize("\xff").ok());
}

}  // namespace
}  // namespace strato::text
