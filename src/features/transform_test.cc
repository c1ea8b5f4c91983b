#include "strato/features/transform.h"

#include <gtest/gtest.h>

#include <cmath>

namespace strato::features {
namespace {

Column Num(std::string name, std::vector<double> v) {
  return {std::move(name), ColumnType::kNumber, std::move(v), {}};
}
Column Str(std::string name, std::vector<std::string> v) {
  return {std::move(name), ColumnType::kString, {}, std::move(v)};
}

// Two engines, rows deliberately out of time order.
Table Engines() {
  Table t;
  t.rows = 6;
  t.columns = {Num("unit", {1, 2, 1, 1, 2, 2}), Num("cycle", {2, 1, 1, 3, 2, 3}),
               Num("s", {20, 100, 10, 40, 110, 130})};
  return t;
}

TEST(TransformTest, WindowLagsAndRollingStatsPerEntityInTimeOrder) {
  TransformSpec spec;
  StepSpec w;
  w.kind = "window";
  w.entity = "unit";
  w.time = "cycle";
  w.columns = {"s"};
  w.lags = {1};
  w.sizes = {2};
  w.stats = {"mean", "std", "min", "max", "slope"};
  spec.steps = {w};
  auto t = FeatureTransform::Fit(spec, Engines(), {});
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  auto out = t->ApplySteps(Engines());
  ASSERT_TRUE(out.ok());
  const Column& lag = *out->Find("s_lag1");
  // Row 0 is unit 1 cycle 2: previous cycle (row 2) has s = 10.
  EXPECT_DOUBLE_EQ(lag.numbers[0], 10);
  EXPECT_TRUE(std::isnan(lag.numbers[2]));  // first cycle: no lag
  EXPECT_DOUBLE_EQ(lag.numbers[5], 110);   // unit 2 cycle 3
  EXPECT_DOUBLE_EQ(out->Find("s_mean2")->numbers[3], 30);   // (20 + 40) / 2
  EXPECT_DOUBLE_EQ(out->Find("s_min2")->numbers[3], 20);
  EXPECT_DOUBLE_EQ(out->Find("s_max2")->numbers[3], 40);
  EXPECT_DOUBLE_EQ(out->Find("s_slope2")->numbers[3], 20);  // per cycle
  EXPECT_NEAR(out->Find("s_std2")->numbers[3], std::sqrt(200.0), 1e-12);
  EXPECT_TRUE(std::isnan(out->Find("s_std2")->numbers[2]));  // one row only
  EXPECT_DOUBLE_EQ(out->Find("s_mean2")->numbers[2], 10);
}

TEST(TransformTest, StandardiseFitsOnFitRowsOnly) {
  Table t;
  t.rows = 4;
  t.columns = {Num("x", {1, 3, 100, 5})};
  TransformSpec spec;
  spec.steps = {{.kind = "standardise", .columns = {"x"}}};
  auto fitted = FeatureTransform::Fit(spec, t, {0, 1});  // mean 2, sd sqrt(2)
  ASSERT_TRUE(fitted.ok());
  EXPECT_DOUBLE_EQ(fitted->fitted()[0].means[0], 2);
  auto x = fitted->Apply(t);
  ASSERT_TRUE(x.ok());
  EXPECT_NEAR((*x)[2], static_cast<float>(98 / std::sqrt(2.0)), 1e-3);
}

TEST(TransformTest, OneHotAndHashReplaceTheSourceColumn) {
  Table t;
  t.rows = 4;
  t.columns = {Str("type", {"L", "M", "L", "H"}), Str("id", {"a", "b", "c", ""}),
               Num("v", {1, 2, 3, 4})};
  TransformSpec spec;
  spec.steps = {{.kind = "one_hot", .columns = {"type"}, .max_categories = 2},
                {.kind = "hash", .columns = {"id"}, .buckets = 4}};
  auto f = FeatureTransform::Fit(spec, t, {});
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  // Most frequent first (L), then by name among ties (H before M).
  const std::vector<std::string> want = {"type=L", "type=H", "id#0", "id#1", "id#2", "id#3", "v"};
  EXPECT_EQ(f->feature_names(), want);
  auto x = f->Apply(t);
  ASSERT_TRUE(x.ok());
  EXPECT_EQ((*x)[0 * 7 + 0], 1.0f);  // row 0 is L
  EXPECT_EQ((*x)[1 * 7 + 0] + (*x)[1 * 7 + 1], 0.0f);  // M is not a kept category
  float hashed = 0;
  for (int b = 0; b < 4; ++b) hashed += (*x)[3 * 7 + 2 + b];
  EXPECT_EQ(hashed, 0.0f);  // missing id: no bucket
  EXPECT_EQ((*x)[static_cast<size_t>(Fnv1a("a") % 4) + 2], 1.0f);
}

TEST(TransformTest, JsonRoundTripGivesIdenticalFeatures) {
  TransformSpec spec;
  spec.steps = {{.kind = "standardise", .columns = {"s"}},
                {.kind = "window", .columns = {"s"}, .entity = "unit", .time = "cycle",
                 .lags = {1, 2}, .sizes = {3}, .stats = {"mean", "slope"}}};
  spec.exclude = {"unit"};
  auto f = FeatureTransform::Fit(spec, Engines(), {0, 1, 2});
  ASSERT_TRUE(f.ok());
  f->model_info().task = "regression";
  f->model_info().residual_std = 12.5;
  auto back = FeatureTransform::FromJson(f->ToJson());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->feature_names(), f->feature_names());
  EXPECT_DOUBLE_EQ(back->model_info().residual_std, 12.5);
  auto a = f->Apply(Engines());
  auto b = back->Apply(Engines());
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(a->size(), b->size());
  for (size_t i = 0; i < a->size(); ++i) {
    if (std::isnan((*a)[i])) EXPECT_TRUE(std::isnan((*b)[i]));
    else EXPECT_EQ((*a)[i], (*b)[i]) << i;
  }
}

TEST(TransformTest, ValidationNamesTheStepAndTheProblem) {
  TransformSpec spec;
  spec.steps = {{.kind = "scale", .columns = {"s"}}};
  EXPECT_EQ(ValidateTransformSpec(spec, Engines()).message(),
            "transforms[0]: unknown transform 'scale' (known: standardise, one_hot, hash, window)");
  spec.steps = {{.kind = "standardise", .columns = {"nope"}}};
  EXPECT_EQ(ValidateTransformSpec(spec, Engines()).message(),
            "transforms[0] (standardise): column 'nope' is not in the data (columns: unit, "
            "cycle, s)");
  spec.steps = {{.kind = "window", .columns = {"s"}, .entity = "unit", .time = "cycle",
                 .sizes = {3}, .stats = {"median"}}};
  EXPECT_NE(ValidateTransformSpec(spec, Engines()).message().find("unknown statistic 'median'"),
            std::string::npos);
}

TEST(TransformTest, ApplyRejectsMissingOrMistypedInputs) {
  TransformSpec spec;
  auto f = FeatureTransform::Fit(spec, Engines(), {});
  ASSERT_TRUE(f.ok());
  Table t = Engines();
  t.columns.pop_back();
  EXPECT_NE(f->Apply(t).status().message().find("input column 's' is missing"), std::string::npos);
  EXPECT_EQ(FeatureTransform::FromJson("{}").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace strato::features
