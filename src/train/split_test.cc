#include "strato/train/split.h"

#include <gtest/gtest.h>

#include <set>

namespace strato::train {
namespace {

features::Table Groups(size_t rows, size_t groups) {
  features::Table t;
  t.rows = rows;
  features::Column g{"g", features::ColumnType::kNumber, {}, {}};
  features::Column time{"t", features::ColumnType::kNumber, {}, {}};
  for (size_t i = 0; i < rows; ++i) {
    g.numbers.push_back(static_cast<double>(i % groups));
    time.numbers.push_back(static_cast<double>(rows - i));  // reverse order
  }
  t.columns = {g, time};
  return t;
}

TEST(SplitTest, RandomCoversEveryRowOnceAndIsSeeded) {
  SplitOptions o;
  o.valid_fraction = 0.2;
  o.holdout_fraction = 0.1;
  auto a = SplitRows(Groups(100, 10), o);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->train.size(), 70u);
  EXPECT_EQ(a->valid.size(), 20u);
  EXPECT_EQ(a->holdout.size(), 10u);
  std::set<size_t> all(a->train.begin(), a->train.end());
  all.insert(a->valid.begin(), a->valid.end());
  all.insert(a->holdout.begin(), a->holdout.end());
  EXPECT_EQ(all.size(), 100u);
  auto b = SplitRows(Groups(100, 10), o);
  EXPECT_EQ(a->valid, b->valid);
  o.seed = 43;
  EXPECT_NE(SplitRows(Groups(100, 10), o)->valid, a->valid);
}

TEST(SplitTest, GroupedNeverPutsAGroupInTwoParts) {
  const SplitOptions o{.method = "grouped", .by = "g", .valid_fraction = 0.3};
  const auto t = Groups(200, 10);
  auto s = SplitRows(t, o);
  ASSERT_TRUE(s.ok());
  std::set<double> train_groups, valid_groups;
  for (size_t r : s->train) train_groups.insert(t.columns[0].numbers[r]);
  for (size_t r : s->valid) valid_groups.insert(t.columns[0].numbers[r]);
  EXPECT_EQ(valid_groups.size(), 3u);
  for (double g : valid_groups) EXPECT_FALSE(train_groups.count(g));
}

TEST(SplitTest, TimePutsTheLatestRowsInValidation) {
  const SplitOptions o{.method = "time", .by = "t", .valid_fraction = 0.25};
  const auto t = Groups(8, 2);
  auto s = SplitRows(t, o);
  ASSERT_TRUE(s.ok());
  // Time runs backwards over the rows, so the latest are the first rows.
  EXPECT_EQ(s->valid, (std::vector<size_t>{0, 1}));
}

TEST(SplitTest, StratifiedKeepsClassShares) {
  std::vector<double> y(100, 0.0);
  for (size_t i = 0; i < 10; ++i) y[i * 10] = 1.0;
  SplitOptions o;
  o.stratify_labels = &y;
  o.valid_fraction = 0.2;
  auto s = SplitRows(Groups(100, 5), o);
  ASSERT_TRUE(s.ok());
  int positives = 0;
  for (size_t r : s->valid) positives += y[r] > 0.5;
  EXPECT_EQ(positives, 2);
}

TEST(SplitTest, ClearErrors) {
  const SplitOptions unknown{.method = "grouped", .by = "engine"};
  EXPECT_NE(SplitRows(Groups(10, 2), unknown).status().message().find("column 'engine'"),
            std::string::npos);
  // 10% of two groups rounds to no validation group at all.
  const SplitOptions tiny{.method = "grouped", .by = "g", .valid_fraction = 0.1};
  EXPECT_NE(SplitRows(Groups(10, 2), tiny).status().message().find("a part is empty"),
            std::string::npos);
}

}  // namespace
}  // namespace strato::train
