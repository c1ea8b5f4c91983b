// RecommenderService on the synthetic catalogue: exclusions, filters,
// cold start, bad input, and fold-in persisted across a restart.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <set>

#include "strato/recsys/fold_in.h"
#include "strato/recsys/service.h"

namespace strato::recsys {
namespace {

namespace fs = std::filesystem;

class RecsysServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("strato_recsys_service_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<RecommenderService> Make() {
    SyntheticCatalogue data = MakeSyntheticCatalogue(60, 120, 9);
    ServiceOptions o;
    o.wals.factors = 8;
    o.wals.iterations = 8;
    o.journal = dir_ / "journal.tsv";
    auto s = RecommenderService::Create(data.catalogue, data.ratings, o);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(s).value() : nullptr;
  }

  fs::path dir_;
};

TEST_F(RecsysServiceTest, ExcludesSeenAndRequestedItemsAndFiltersGenres) {
  auto s = Make();
  ASSERT_TRUE(s);
  RecommendQuery q;
  q.user = 3;  // group 2 (Drama): 0-based user 2
  q.k = 10;
  auto r = s->Recommend(q);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->source, "personal");
  ASSERT_EQ(r->items.size(), 10u);
  const auto history = s->History(3);
  ASSERT_FALSE(history.empty());
  for (const auto& rec : r->items) {
    EXPECT_EQ(std::count(history.begin(), history.end(), rec.item), 0) << rec.item;
  }
  for (size_t i = 1; i < r->items.size(); ++i) EXPECT_GE(r->items[i - 1].score, r->items[i].score);
  // Most of the top items are of the user's own taste group (Drama).
  int drama = 0;
  for (const auto& rec : r->items) drama += rec.title.starts_with("Drama") ? 1 : 0;
  EXPECT_GE(drama, 5);

  q.exclude = {r->items[0].item, r->items[1].item, 999999};
  auto r2 = s->Recommend(q);
  ASSERT_TRUE(r2.ok());
  for (const auto& rec : r2->items) {
    EXPECT_NE(rec.item, q.exclude[0]);
    EXPECT_NE(rec.item, q.exclude[1]);
  }
  q.exclude.clear();
  q.genres = {"comedy"};
  auto r3 = s->Recommend(q);
  ASSERT_TRUE(r3.ok());
  ASSERT_FALSE(r3->items.empty());
  const uint32_t comedy = s->catalogue().GenreBit("Comedy");
  for (const auto& rec : r3->items)
    EXPECT_NE(s->catalogue().genre_masks[rec.item - 1] & comedy, 0u);
}

TEST_F(RecsysServiceTest, ColdStartAndSimilarItems) {
  auto s = Make();
  ASSERT_TRUE(s);
  RecommendQuery q;
  q.user = 123456;  // unknown
  q.k = 5;
  auto popular = s->Recommend(q);
  ASSERT_TRUE(popular.ok());
  EXPECT_EQ(popular->source, "popular");
  EXPECT_EQ(popular->items.size(), 5u);
  q.seed_items = {5, 11, 17};  // Sci-Fi movies (index % 6 == 4)
  auto seeded = s->Recommend(q);
  ASSERT_TRUE(seeded.ok());
  EXPECT_EQ(seeded->source, "seed-items");
  int scifi = 0;
  for (const auto& rec : seeded->items) {
    EXPECT_TRUE(rec.item != 5 && rec.item != 11 && rec.item != 17);
    scifi += rec.title.starts_with("Sci-Fi") ? 1 : 0;
  }
  EXPECT_GE(scifi, 3);
  auto similar = s->SimilarItems(5, 4, {}, {});
  ASSERT_TRUE(similar.ok());
  EXPECT_EQ(similar->items.size(), 4u);
  for (const auto& rec : similar->items) EXPECT_NE(rec.item, 5);
  EXPECT_EQ(s->SimilarItems(0, 4, {}, {}).status().code(), StatusCode::kNotFound);
}

TEST_F(RecsysServiceTest, BadInputGetsClearErrors) {
  auto s = Make();
  ASSERT_TRUE(s);
  RecommendQuery q;
  q.user = 1;
  q.k = -1;
  auto r = s->Recommend(q);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().ToString().find("k must be at least 1"), std::string::npos);
  q.k = 121;
  r = s->Recommend(q);
  EXPECT_NE(r.status().ToString().find("exceeds the catalogue of 120 items"), std::string::npos);
  q.k = 120;
  EXPECT_TRUE(s->Recommend(q).ok());
  q.k = 3;
  q.genres = {"Western"};
  r = s->Recommend(q);
  EXPECT_NE(r.status().ToString().find("unknown genre 'Western'"), std::string::npos);
  q.genres.clear();
  q.seed_items = {121};
  EXPECT_EQ(s->Recommend(q).status().code(), StatusCode::kInvalidArgument);
  const std::vector<int64_t> bad = {0};
  EXPECT_EQ(s->AddInteractions(1, bad).code(), StatusCode::kInvalidArgument);
  const std::vector<int64_t> ok = {1};
  EXPECT_EQ(s->AddInteractions(-5, ok).code(), StatusCode::kInvalidArgument);
}

TEST_F(RecsysServiceTest, FoldInUpdatesAtOnceAndSurvivesARestart) {
  std::vector<float> after;
  {
    auto s = Make();
    ASSERT_TRUE(s);
    const int64_t user = 5000;                          // a new user
    const std::vector<int64_t> items = {3, 9, 15, 21};  // Drama (index % 6 == 2)
    ASSERT_TRUE(s->AddInteractions(user, items).ok());
    EXPECT_EQ(s->History(user), items);
    after = s->UserFactors(user);
    // The fold-in is the exact least-squares row for these items.
    const auto gram = Gramian(s->model().item_factors(), s->model().factors());
    const std::vector<int32_t> idx = {2, 8, 14, 20};
    const std::vector<float> conf(4, s->model().Confidence(1));
    const auto expected = FoldInUser(s->model().item_factors(), s->model().factors(), gram, idx,
                                     conf, s->model().options().reg);
    ASSERT_EQ(after.size(), expected.size());
    for (size_t d = 0; d < after.size(); ++d) EXPECT_NEAR(after[d], expected[d], 1e-5);
    RecommendQuery q;
    q.user = user;
    q.k = 5;
    auto r = s->Recommend(q);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->source, "personal");
    int drama = 0;
    for (const auto& rec : r->items) {
      EXPECT_EQ(std::count(items.begin(), items.end(), rec.item), 0);
      drama += rec.title.starts_with("Drama") ? 1 : 0;
    }
    EXPECT_GE(drama, 3);
  }
  // A restart retrains with the journal included: the user is still known.
  auto s = Make();
  ASSERT_TRUE(s);
  EXPECT_EQ(s->History(5000), (std::vector<int64_t>{3, 9, 15, 21}));
  RecommendQuery q;
  q.user = 5000;
  q.k = 5;
  auto r = s->Recommend(q);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->source, "personal");
}

TEST_F(RecsysServiceTest, CorruptJournalIsAClearErrorAndATornLastLineIsDropped) {
  {
    std::ofstream(dir_ / "journal.tsv") << "7000\t3\t100\n7000\t4\t1";  // torn last line
  }
  auto s = Make();
  ASSERT_TRUE(s);
  EXPECT_EQ(s->History(7000), std::vector<int64_t>{3});
  std::ofstream(dir_ / "journal.tsv", std::ios::trunc) << "7\tabc\t100\n";
  SyntheticCatalogue data = MakeSyntheticCatalogue(60, 120, 9);
  ServiceOptions o;
  o.journal = dir_ / "journal.tsv";
  auto bad = RecommenderService::Create(data.catalogue, data.ratings, o);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().ToString().find("journal.tsv:1"), std::string::npos);
}

}  // namespace
}  // namespace strato::recsys
