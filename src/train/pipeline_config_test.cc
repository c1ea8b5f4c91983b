#include "strato/train/pipeline_config.h"

#include <gtest/gtest.h>

namespace strato::train {
namespace {

constexpr const char* kGood = R"(
name: rul
data:
  path: data/train.txt
  format: whitespace
  header: false
  columns: [unit, cycle, s1]
label: {column: RUL, derive: remaining_life, entity: unit, time: cycle, cap: 125}
task: regression
features: {exclude: [unit]}
transforms:
  - kind: window
    entity: unit
    time: cycle
    columns: [s1]
    size: 10
split: {method: grouped, by: unit, valid_fraction: 0.25}
train:
  params: {max_depth: 4}
  rounds: 50
search:
  method: halving
  trials: 9
  space:
    eta: {log: [0.01, 0.3]}
    max_depth: {int: [3, 8]}
    subsample: {choice: [0.7, 1]}
register: {repository: models, model: maintenance, only_if_better: true}
)";

TEST(PipelineConfigTest, ParsesEverySection) {
  auto c = ParsePipelineConfig(kGood, "p.yaml", "/base");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->data.path, "/base/data/train.txt");
  EXPECT_EQ(c->data.read.format, features::TextFormat::kWhitespace);
  EXPECT_EQ(c->label.derive, "remaining_life");
  EXPECT_DOUBLE_EQ(c->label.cap, 125);
  ASSERT_EQ(c->transform.steps.size(), 1u);
  EXPECT_EQ(c->transform.steps[0].sizes, std::vector<int>{10});
  EXPECT_EQ(c->transform.steps[0].stats.size(), 5u);  // all statistics by default
  EXPECT_EQ(c->split_method, "grouped");
  EXPECT_EQ(c->params.at("max_depth"), "4");
  EXPECT_EQ(c->search.space.size(), 3u);
  EXPECT_EQ(c->repository, "/base/models");
  EXPECT_TRUE(c->only_if_better);
  EXPECT_EQ(c->output_dir, "/base/rul.out");
}

std::string ErrorFor(std::string text) {
  auto c = ParsePipelineConfig(text, "p.yaml", ".");
  return c.ok() ? "" : c.status().message();
}

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  s.replace(s.find(from), from.size(), to);
  return s;
}

TEST(PipelineConfigTest, EveryBadFileGetsAClearError) {
  EXPECT_EQ(ErrorFor(Replace(kGood, "kind: window", "kind: scale")),
            "p.yaml:12: transforms[0].kind: unknown transform 'scale' (known: standardise, "
            "one_hot, hash, window)");
  EXPECT_EQ(ErrorFor(Replace(kGood, "{int: [3, 8]}", "{int: [8, 3]}")),
            "p.yaml:26: search.space.max_depth: the range is empty: low 8 is above high 3");
  EXPECT_EQ(ErrorFor(Replace(kGood, "{choice: [0.7, 1]}", "{choice: []}")),
            "p.yaml:27: search.space.subsample: the range is empty: no choices");
  EXPECT_EQ(ErrorFor(Replace(kGood, "rounds: 50", "rounds: many")),
            "p.yaml:20: train.rounds: 'many' is not a number");
  EXPECT_EQ(ErrorFor(Replace(kGood, "task: regression", "task: ranking")),
            "p.yaml:9: task: 'ranking' is not regression, binary or multiclass");
  EXPECT_EQ(ErrorFor(Replace(kGood, "rounds: 50", "rounds: 50\n  epochs: 3")),
            "p.yaml:21: train.epochs: unknown key 'epochs' (known: params, rounds, "
            "early_stopping, seed, threads)");
  EXPECT_EQ(ErrorFor(Replace(kGood, "method: grouped, by: unit,", "method: grouped,")),
            "p.yaml:17: split: method grouped needs 'by' (a column)");
  EXPECT_EQ(ErrorFor(Replace(kGood, "  header: false\n", "  header: false\n  on_bad_row: maybe\n")),
            "p.yaml:7: data.on_bad_row: use fail or skip");
  EXPECT_NE(ErrorFor(Replace(kGood, "  columns: [unit, cycle, s1]\n", "")).find("needs 'columns'"),
            std::string::npos);
  EXPECT_NE(ErrorFor("task: regression\n").find("'data' section is required"), std::string::npos);
  EXPECT_NE(ErrorFor("- a\n- b\n").find("a pipeline file is a mapping"), std::string::npos);
}

TEST(PipelineConfigTest, MissingFileIsNotFound) {
  EXPECT_EQ(LoadPipelineConfig("/nonexistent.yaml").status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace strato::train
