#include "strato/config/model_config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace strato {
namespace {

constexpr std::string_view kGood = R"pb(
name: "m"
backend: "identity"
max_batch_size: 8
input [ { name: "IN" data_type: TYPE_FP32 dims: [ 4 ] } ]
output [ { name: "OUT" data_type: TYPE_FP32 dims: [ -1 ] } ]
dynamic_batching { preferred_batch_size: [ 4, 8 ] max_queue_delay_microseconds: 100 }
instance_group [ { count: 2 kind: KIND_CPU } ]
version_policy { latest { num_versions: 2 } }
parameters { key: "k" value { string_value: "v" } }
)pb";

inference::ModelConfig Good() {
  auto c = ParseModelConfigText(kGood, "good.pbtxt");
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return *c;
}

Status Validate(const inference::ModelConfig& c) { return ValidateModelConfig(c, "m/config.pbtxt"); }

TEST(ModelConfigText, ParsesGoodConfig) {
  auto c = Good();
  EXPECT_EQ(c.name(), "m");
  EXPECT_EQ(c.max_batch_size(), 8);
  ASSERT_EQ(c.input_size(), 1);
  EXPECT_EQ(c.input(0).data_type(), inference::TYPE_FP32);
  EXPECT_EQ(c.instance_group(0).count(), 2);
  EXPECT_EQ(c.version_policy().latest().num_versions(), 2u);
  EXPECT_TRUE(Validate(c).ok()) << Validate(c).ToString();
}

TEST(ModelConfigText, UnknownFieldNamesFieldAndLine) {
  auto c = ParseModelConfigText("name: \"m\"\n\n  bogus_field: 3\n", "repo/m/config.pbtxt");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(c.status().message().find("repo/m/config.pbtxt:3:"), std::string::npos)
      << c.status().message();
  EXPECT_NE(c.status().message().find("bogus_field"), std::string::npos);
}

TEST(ModelConfigText, BadEnumIsRejected) {
  auto c = ParseModelConfigText("input [ { name: \"x\" data_type: TYPE_FLOAT } ]", "c.pbtxt");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("c.pbtxt:1:"), std::string::npos);
  EXPECT_NE(c.status().message().find("TYPE_FLOAT"), std::string::npos) << c.status().message();
}

TEST(ModelConfigText, WrongTypeIsRejected) {
  auto c = ParseModelConfigText("name: \"m\"\nmax_batch_size: \"eight\"\n", "c.pbtxt");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("c.pbtxt:2:"), std::string::npos) << c.status().message();
}

TEST(ModelConfigText, ReadsFileAndReportsMissing) {
  const auto dir = std::filesystem::temp_directory_path() / "strato_config_test";
  std::filesystem::create_directories(dir);
  {
    std::ofstream(dir / "config.pbtxt") << kGood;
  }
  auto c = ReadModelConfigFile(dir / "config.pbtxt");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->backend(), "identity");
  auto missing = ReadModelConfigFile(dir / "nope.pbtxt");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  std::filesystem::remove_all(dir);
}

TEST(ModelConfigJson, RoundTripsWithProtoFieldNames) {
  auto c = Good();
  const std::string json = ModelConfigToJson(c);
  EXPECT_NE(json.find("\"max_batch_size\":8"), std::string::npos) << json;
  EXPECT_NE(json.find("\"data_type\":\"TYPE_FP32\""), std::string::npos) << json;
  // Primitive fields print even at their default value.
  EXPECT_NE(json.find("\"platform\":\"\""), std::string::npos) << json;
  auto back = ParseModelConfigJson(json);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->SerializeAsString(), c.SerializeAsString());
}

TEST(ModelConfigJson, RejectsUnknownFieldAndBadJson) {
  auto c = ParseModelConfigJson(R"({"name":"m","nope":1})");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(c.status().message().find("nope"), std::string::npos) << c.status().message();
  EXPECT_FALSE(ParseModelConfigJson("{").ok());
}

// One semantic rule per case: mutate a good config, expect the field named.
struct Rule {
  const char* what;
  void (*mutate)(inference::ModelConfig*);
  const char* field;
};

class ValidateRuleTest : public ::testing::TestWithParam<Rule> {};

TEST_P(ValidateRuleTest, NamesTheField) {
  auto c = Good();
  GetParam().mutate(&c);
  Status s = Validate(c);
  ASSERT_FALSE(s.ok()) << GetParam().what;
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find(std::string("m/config.pbtxt: field ") + GetParam().field),
            std::string::npos)
      << GetParam().what << ": " << s.message();
}

const Rule kRules[] = {
    {"no backend", [](inference::ModelConfig* c) { c->clear_backend(); }, "backend"},
    {"negative mbs", [](inference::ModelConfig* c) { c->set_max_batch_size(-1); }, "max_batch_size"},
    {"dup input",
     [](inference::ModelConfig* c) { *c->add_input() = c->input(0); }, "input[1].name"},
    {"dup output",
     [](inference::ModelConfig* c) { *c->add_output() = c->output(0); }, "output[1].name"},
    {"invalid type",
     [](inference::ModelConfig* c) { c->mutable_input(0)->set_data_type(inference::TYPE_INVALID); },
     "input[0].data_type"},
    {"dim < -1", [](inference::ModelConfig* c) { c->mutable_input(0)->set_dims(0, -2); },
     "input[0].dims"},
    {"empty dims without batching",
     [](inference::ModelConfig* c) {
       c->clear_dynamic_batching();
       c->set_max_batch_size(0);
       c->mutable_output(0)->clear_dims();
     },
     "output[0].dims"},
    {"preferred > max",
     [](inference::ModelConfig* c) { c->mutable_dynamic_batching()->add_preferred_batch_size(16); },
     "dynamic_batching.preferred_batch_size"},
    {"dynamic batching without batching",
     [](inference::ModelConfig* c) { c->set_max_batch_size(0); }, "dynamic_batching"},
    {"default priority out of range",
     [](inference::ModelConfig* c) {
       c->mutable_dynamic_batching()->set_priority_levels(2);
       c->mutable_dynamic_batching()->set_default_priority_level(3);
     },
     "dynamic_batching.default_priority_level"},
    {"queue policy level out of range",
     [](inference::ModelConfig* c) {
       auto* db = c->mutable_dynamic_batching();
       db->set_priority_levels(2);
       db->set_default_priority_level(1);
       (*db->mutable_priority_queue_policy())[5] = inference::ModelQueuePolicy();
     },
     "dynamic_batching.priority_queue_policy"},
    {"negative instances",
     [](inference::ModelConfig* c) { c->mutable_instance_group(0)->set_count(-1); },
     "instance_group[0].count"},
    {"latest zero",
     [](inference::ModelConfig* c) {
       c->mutable_version_policy()->mutable_latest()->set_num_versions(0);
     },
     "version_policy.latest.num_versions"},
    {"specific empty",
     [](inference::ModelConfig* c) { c->mutable_version_policy()->mutable_specific(); },
     "version_policy.specific.versions"},
    {"warmup batch too big",
     [](inference::ModelConfig* c) { c->add_model_warmup()->set_batch_size(9); },
     "model_warmup[0].batch_size"},
};

INSTANTIATE_TEST_SUITE_P(Rules, ValidateRuleTest, ::testing::ValuesIn(kRules));

TEST(ValidateModelConfig, PlatformIsEnoughAndZeroInstancesAllowed) {
  auto c = Good();
  c.clear_backend();
  c.set_platform("xgboost");
  c.mutable_instance_group(0)->set_count(0);
  EXPECT_TRUE(Validate(c).ok()) << Validate(c).ToString();
}

}  // namespace
}  // namespace strato
