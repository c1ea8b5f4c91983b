// Models on tiny matrices whose answers can be checked by hand.
#include <gtest/gtest.h>

#include <cmath>

#include "strato/recsys/explicit_models.h"
#include "strato/recsys/fold_in.h"
#include "strato/recsys/implicit_models.h"
#include "strato/recsys/split.h"

namespace strato::recsys {
namespace {

RatingSet Make(int32_t users, int32_t items, std::vector<Rating> ratings) {
  RatingSet s;
  s.n_users = users;
  s.n_items = items;
  s.ratings = std::move(ratings);
  return s;
}

TEST(RecsysModels, BiasesOneEpochByHand) {
  // mu = (5 + 3 + 4) / 3 = 4. Item step first (user biases 0):
  //   b_0 = (5-4 + 3-4) / (reg_i + 2) = 0; b_1 = (4-4) / (reg_i + 1) = 0.
  // Then users: b_u0 = (5-4 + 4-4) / (reg_u + 2) = 1/3 (reg_u = 1), b_u1 = -1/2.
  BiasOptions o;
  o.epochs = 1;
  o.reg_user = 1;
  o.reg_item = 1;
  BiasModel m(o);
  ASSERT_TRUE(m.Fit(Make(2, 2, {{0, 0, 5, 0}, {1, 0, 3, 0}, {0, 1, 4, 0}})).ok());
  EXPECT_NEAR(m.mu(), 4.0f, 1e-6);
  EXPECT_NEAR(m.item_bias()[0], 0.0f, 1e-6);
  EXPECT_NEAR(m.user_bias()[0], 1.0f / 3, 1e-6);
  EXPECT_NEAR(m.user_bias()[1], -0.5f, 1e-6);
  EXPECT_NEAR(m.Predict(1, 1), 3.5f, 1e-6);
}

TEST(RecsysModels, GlobalMeanAndClipping) {
  GlobalMeanModel g;
  EXPECT_FALSE(g.Fit(Make(1, 1, {})).ok());
  ASSERT_TRUE(g.Fit(Make(1, 2, {{0, 0, 2, 0}, {0, 1, 5, 0}})).ok());
  EXPECT_FLOAT_EQ(g.Predict(0, 0), 3.5f);
  EXPECT_FLOAT_EQ(RatingRange{}.Clip(7.0f), 5.0f);
  EXPECT_FLOAT_EQ(RatingRange{}.Clip(-1.0f), 1.0f);
}

// A rank-1 rating matrix with no noise: MF must fit it almost exactly.
RatingSet RankOne() {
  std::vector<Rating> r;
  const float u[4] = {1.0f, 0.5f, -0.5f, -1.0f};
  const float v[5] = {1.0f, -1.0f, 0.5f, 0.0f, -0.5f};
  for (int32_t a = 0; a < 4; ++a) {
    for (int32_t b = 0; b < 5; ++b) r.push_back({a, b, 3.0f + u[a] * v[b], 0});
  }
  return Make(4, 5, r);
}

TEST(RecsysModels, MfAndSvdPlusPlusFitARankOneMatrix) {
  MfOptions o;
  o.factors = 2;
  o.epochs = 400;
  o.learning_rate = 0.05f;
  o.reg = 0.0f;
  o.reg_bias = 0.0f;
  const RatingSet data = RankOne();
  BiasedMfModel mf(o);
  SvdPlusPlusModel svdpp(o);
  for (Model* m : std::initializer_list<Model*>{&mf, &svdpp}) {
    ASSERT_TRUE(m->Fit(data).ok());
    double se = 0;
    for (const Rating& r : data.ratings) se += std::pow(m->Predict(r.user, r.item) - r.value, 2);
    EXPECT_LT(std::sqrt(se / data.ratings.size()), 0.05) << m->name();
  }
}

TEST(RecsysModels, BlendWeightsRecoverTheBetterMember) {
  const RatingSet data = RankOne();
  std::vector<ModelFactory> members = {
      [] { return std::unique_ptr<Model>(std::make_unique<GlobalMeanModel>()); },
      [] {
        MfOptions o;
        o.factors = 2;
        o.epochs = 300;
        o.learning_rate = 0.05f;
        o.reg = 0;
        o.reg_bias = 0;
        return std::unique_ptr<Model>(std::make_unique<BiasedMfModel>(o));
      }};
  BlendOptions bo;
  bo.validation_fraction = 0.3;
  BlendModel blend(members, bo);
  ASSERT_TRUE(blend.Fit(data).ok());
  ASSERT_EQ(blend.weights().size(), 3u);
  // The MF member carries the blend; the constant member adds nothing that
  // the intercept cannot.
  EXPECT_GT(blend.weights()[2], 0.5);
}

TEST(RecsysModels, MostPopularAndItemKnnByHand) {
  // users: 0 has {0,1}, 1 has {0,1,2}, 2 has {2,3}.
  const RatingSet data = Make(3, 4,
                              {{0, 0, 1, 0},
                               {0, 1, 1, 0},
                               {1, 0, 1, 0},
                               {1, 1, 1, 0},
                               {1, 2, 1, 0},
                               {2, 2, 1, 0},
                               {2, 3, 1, 0}});
  MostPopularModel pop;
  ASSERT_TRUE(pop.Fit(data).ok());
  EXPECT_EQ(pop.counts(), (std::vector<float>{2, 2, 2, 1}));
  ItemKnnOptions o;
  o.shrinkage = 0;
  ItemKnnModel knn(o);
  ASSERT_TRUE(knn.Fit(data).ok());
  // User 2 has {2,3}. sim(2,1) = 1/sqrt(2*2) = 0.5; sim(2,0) = 0.5;
  // sim(3,0) = sim(3,1) = 0. So score(2, 0) = 0.5.
  EXPECT_NEAR(knn.Predict(2, 0), 0.5f, 1e-6);
  std::vector<float> all(4);
  knn.ScoreAll(0, all);
  // User 0 has {0,1}: score(2) = sim(0,2) + sim(1,2) = 0.5 + 0.5; score(3) = 0.
  EXPECT_NEAR(all[2], 1.0f, 1e-6);
  EXPECT_NEAR(all[3], 0.0f, 1e-6);
}

TEST(RecsysModels, FoldInOneFactorByHand) {
  // Items y = (1), (2); the user has item 1 with confidence 3, reg 1:
  //   A = Y^T Y + (3-1) * 2*2 + 1 = 5 + 8 + 1 = 14; b = 3 * 2 = 6; x = 6/14.
  const std::vector<float> y = {1.0f, 2.0f};
  const auto gram = Gramian(y, 1);
  ASSERT_EQ(gram.size(), 1u);
  EXPECT_DOUBLE_EQ(gram[0], 5.0);
  const std::vector<int32_t> items = {1};
  const std::vector<float> conf = {3.0f};
  const auto x = FoldInUser(y, 1, gram, items, conf, 1.0f);
  EXPECT_NEAR(x[0], 6.0f / 14.0f, 1e-6);
}

RatingSet RandomImplicit(int32_t users, int32_t items, uint64_t seed) {
  std::vector<Rating> r;
  uint64_t s = seed;
  for (int32_t u = 0; u < users; ++u) {
    for (int32_t i = 0; i < items; ++i) {
      s = s * 6364136223846793005ULL + 1442695040888963407ULL;
      // Two taste groups: users prefer items of their own parity.
      const double p = (u % 2 == i % 2) ? 0.6 : 0.1;
      if (static_cast<double>(s >> 11) / 9007199254740992.0 < p) r.push_back({u, i, 1, 0});
    }
  }
  return Make(users, items, r);
}

TEST(RecsysModels, FoldInEqualsRetrainingThatUsersRow) {
  WalsOptions o;
  o.factors = 6;
  o.iterations = 8;
  o.reg = 0.5f;
  o.alpha = 4;
  WalsModel m(o);
  const RatingSet data = RandomImplicit(30, 40, 11);
  ASSERT_TRUE(m.Fit(data).ok());
  const auto gram = Gramian(m.item_factors(), o.factors);
  const SparseRows rows = SparseRows::ByUser(data);
  const int32_t user = 7;
  std::vector<int32_t> items(rows.cols(user).begin(), rows.cols(user).end());
  std::vector<float> conf;
  for (const float v : rows.values(user)) conf.push_back(m.Confidence(v));
  const auto folded = FoldInUser(m.item_factors(), o.factors, gram, items, conf, o.reg);
  // Retrain every user's row exactly with the item factors fixed.
  m.SolveUsers(/*cg_steps=*/0);
  for (int d = 0; d < o.factors; ++d) {
    EXPECT_NEAR(folded[d], m.user_factors()[user * o.factors + d], 1e-4) << d;
  }
  // Conjugate gradient with f steps reaches the same solution.
  const std::vector<float> exact(m.user_factors().begin(), m.user_factors().end());
  m.SolveUsers(/*cg_steps=*/o.factors * 2);
  for (size_t k = 0; k < exact.size(); ++k) EXPECT_NEAR(exact[k], m.user_factors()[k], 1e-3);
}

TEST(RecsysModels, ImplicitModelsRankTheUsersOwnGroupFirst) {
  const RatingSet data = RandomImplicit(40, 30, 3);
  WalsOptions wo;
  wo.factors = 4;
  WalsModel wals(wo);
  BprOptions bo;
  bo.factors = 4;
  bo.epochs = 200;
  BprModel bpr(bo);
  for (Model* m : std::initializer_list<Model*>{&wals, &bpr}) {
    ASSERT_TRUE(m->Fit(data).ok());
    // Mean score of same-parity items beats other-parity items for every user.
    for (int32_t u = 0; u < 40; ++u) {
      double same = 0, other = 0;
      for (int32_t i = 0; i < 30; ++i) ((u % 2 == i % 2) ? same : other) += m->Predict(u, i);
      EXPECT_GT(same, other) << m->name() << " user " << u;
    }
  }
}

TEST(RecsysModels, LeaveLastOutByTimestamp) {
  const RatingSet data = Make(2, 4, {{0, 0, 1, 30}, {0, 1, 1, 10}, {0, 2, 1, 20}, {1, 3, 1, 5}});
  const auto [train, test] = LeaveLastOut(data, 1);
  ASSERT_EQ(test.ratings.size(), 1u);  // user 1 has only one rating: kept in training
  EXPECT_EQ(test.ratings[0].item, 0);
  EXPECT_EQ(train.ratings.size(), 3u);
}

}  // namespace
}  // namespace strato::recsys
