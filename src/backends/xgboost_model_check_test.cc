// The XGBoost model checker against models XGBoost itself wrote (JSON, UBJ,
// binary, every objective) and hostile edits of them. The hostile models
// are also fed to XgbBooster::Load, which must refuse them before
// libxgboost reads them (without the check the first one segfaults there).
#include "strato/backend/xgboost_model_check.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <string>

#include "strato/backend/xgboost_model_maker.h"
#include "xgboost_booster.h"

namespace strato {
namespace {

namespace fs = std::filesystem;

class XgboostModelCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("strato_xgb_check_" + std::to_string(getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Train(const std::string& name, const std::string& objective = "binary:logistic") {
    SyntheticModelOptions o;
    o.n_features = 6;
    o.n_trees = 4;
    o.max_depth = 3;
    o.n_rows = 200;
    o.objective = objective;
    o.n_threads = 1;
    const fs::path file = dir_ / name;
    EXPECT_TRUE(TrainSyntheticXgboostModel(o, file).ok());
    auto bytes = ReadFileBytes(file.string());
    EXPECT_TRUE(bytes.ok());
    return std::string(bytes->begin(), bytes->end());
  }

  static std::span<const uint8_t> Bytes(const std::string& s) {
    return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
  }

  // Replaces the first element of the JSON array `key` with `value`.
  static std::string EditFirst(std::string json, const std::string& key, const std::string& value) {
    const size_t at = json.find("\"" + key + "\":");
    EXPECT_NE(at, std::string::npos) << key;
    const size_t open = json.find('[', at);
    const size_t end = json.find_first_of(",]", open);
    return json.replace(open + 1, end - open - 1, value);
  }

  // Refused by the checker with `expected` in the message, and by
  // XgbBooster::Load before libxgboost sees it.
  static void ExpectRefused(const std::string& model, const std::string& expected) {
    const Status s = ValidateXgboostModel(Bytes(model), "m.json");
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
    EXPECT_NE(s.message().find(expected), std::string::npos) << s.message();
    auto booster = XgbBooster::Load(Bytes(model), 1, "m.json");
    EXPECT_FALSE(booster.ok());
  }

  fs::path dir_;
};

TEST_F(XgboostModelCheckTest, AcceptsModelsXgboostWrites) {
  for (const char* objective : {"binary:logistic", "reg:squarederror", "multi:softprob"}) {
    for (const char* name : {"m.json", "m.ubj"}) {
      const std::string model = Train(name, objective);
      const Status s = ValidateXgboostModel(Bytes(model), name);
      EXPECT_TRUE(s.ok()) << objective << " " << name << ": " << s.ToString();
      EXPECT_TRUE(XgbBooster::Load(Bytes(model), 1, name).ok());
    }
  }
}

TEST_F(XgboostModelCheckTest, RefusesOutOfRangeChildInJson) {
  const std::string model = EditFirst(Train("m.json"), "left_children", "1000000");
  ExpectRefused(model, "trees[0].left_children[0]: 1000000");
  ExpectRefused(model, "is not a node of the tree");
}

TEST_F(XgboostModelCheckTest, RefusesOutOfRangeChildInUbj) {
  std::string model = Train("m.ubj");
  // XGBoost writes left_children as a typed int32 array: [$l#L<count><BE values>.
  const std::string key = "left_children";
  const size_t at = model.find(key);
  ASSERT_NE(at, std::string::npos);
  const size_t values = at + key.size() + std::strlen("[$l#L") + 8;
  ASSERT_EQ(model.substr(at + key.size(), 4), "[$l#");
  const char child[4] = {0x00, 0x0f, 0x42, 0x40};  // 1000000 big-endian
  model.replace(values, 4, child, 4);
  ExpectRefused(model, "is not a node of the tree");
}

TEST_F(XgboostModelCheckTest, RefusesOtherStructuralDamage) {
  const std::string model = Train("m.json");
  ExpectRefused(EditFirst(model, "split_indices", "999"), "is not below num_feature");
  ExpectRefused(EditFirst(model, "split_conditions", "NaN"), "is not finite");
  ExpectRefused(EditFirst(model, "left_children", "0"), "is not a node");
  ExpectRefused(EditFirst(model, "tree_info", "7"), "output group 7");
  ExpectRefused(EditFirst(model, "default_left", "5"), "must be 0 or 1");
  ExpectRefused(EditFirst(model, "split_type", "1"), "categorical split without");
  // Shorter arrays than num_nodes.
  std::string short_array = model;
  const size_t at = short_array.find("\"sum_hessian\":[");
  ASSERT_NE(at, std::string::npos);
  short_array.erase(short_array.find(',', at),
                    short_array.find(']', at) - short_array.find(',', at));
  ExpectRefused(short_array, "sum_hessian: has 1 elements");
  ExpectRefused("{\"learner\": 3}", "learner");
  ExpectRefused("{\"learner\": {", "not valid JSON");
}

TEST_F(XgboostModelCheckTest, RefusesHostileUbj) {
  // An array that claims 2^40 int32 elements in a few bytes.
  const std::string huge(
      "{L\x00\x00\x00\x00\x00\x00\x00\x01"
      "a[$l#L\x00\x00\x01\x00\x00\x00\x00\x00}",
      26);
  ExpectRefused(huge, "exceeds the data left");
  ExpectRefused(
      "{i\x01"
      "a" +
          std::string(200, '['),
      "nesting deeper than 64");
  ExpectRefused(std::string("{\x01", 2), "UBJSON");
}

TEST_F(XgboostModelCheckTest, BinaryFormatOnlyWhenAllowed) {
  const std::string model = Train("m.xgb");
  ExpectRefused(model, "--allow-xgboost-binary");
  SetXgboostBinaryAllowed(true);
  EXPECT_TRUE(ValidateXgboostModel(Bytes(model), "m.xgb").ok());
  EXPECT_TRUE(XgbBooster::Load(Bytes(model), 1, "m.xgb").ok());
  SetXgboostBinaryAllowed(false);
}

}  // namespace
}  // namespace strato
