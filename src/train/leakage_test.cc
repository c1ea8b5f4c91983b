#include "strato/train/leakage.h"

#include <gtest/gtest.h>

#include <random>

namespace strato::train {
namespace {

TEST(Leakage, FlagsAFeatureThatDeterminesTheLabel) {
  std::mt19937 rng(3);
  Matrix m;
  m.rows = 2000;
  m.cols = 3;
  for (size_t i = 0; i < m.rows; ++i) {
    const float label = (rng() % 10 == 0) ? 1.0f : 0.0f;  // 10% positives
    const float noise = static_cast<float>(rng() % 1000) / 1000.0f;
    m.x.push_back(label);                                // the label itself (a flag)
    m.x.push_back(noise);                                // unrelated
    m.x.push_back(label * 5.0f + noise * 0.5f + 0.25f);  // continuous, separates the classes
    m.y.push_back(label);
  }
  const auto leaks = FindLeakingFeatures(m, {"flag", "noise", "score"});
  ASSERT_EQ(leaks.size(), 2u);
  EXPECT_EQ(leaks[0].name, "flag");
  EXPECT_EQ(leaks[1].name, "score");
  EXPECT_DOUBLE_EQ(leaks[0].accuracy, 1.0);
  EXPECT_NEAR(leaks[0].baseline, 0.9, 0.03);
  EXPECT_NE(LeakageWarning(leaks[0]).find("feature 'flag' alone predicts the label"),
            std::string::npos);
}

TEST(Leakage, QuietOnOrdinaryFeaturesAndOneClass) {
  std::mt19937 rng(4);
  Matrix m;
  m.rows = 500;
  m.cols = 1;
  for (size_t i = 0; i < m.rows; ++i) {
    const float x = static_cast<float>(rng() % 100);
    m.x.push_back(x);
    m.y.push_back((x > 50) != (rng() % 5 == 0) ? 1.0f : 0.0f);  // predictive but 20% noise
  }
  EXPECT_TRUE(FindLeakingFeatures(m, {"x"}).empty());
  for (float& y : m.y) y = 1.0f;
  EXPECT_TRUE(FindLeakingFeatures(m, {"x"}).empty());
}

}  // namespace
}  // namespace strato::train
