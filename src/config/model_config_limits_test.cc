// The server-wide sizing limits: the numbers of the finding (500 instances,
// 2^31-1, context_length x parallel overflowing int) are refused with the
// field and the flag named, before anything is allocated.
#include <gtest/gtest.h>

#include <string>

#include "strato/config/model_config.h"

namespace strato {
namespace {

inference::ModelConfig Base() {
  inference::ModelConfig c;
  c.set_name("m");
  c.set_backend("identity");
  c.set_max_batch_size(8);
  auto* in = c.add_input();
  in->set_name("IN");
  in->set_data_type(inference::TYPE_FP32);
  in->add_dims(4);
  auto* out = c.add_output();
  out->set_name("OUT");
  out->set_data_type(inference::TYPE_FP32);
  out->add_dims(4);
  return c;
}

void ExpectRefused(const inference::ModelConfig& c, const std::string& field,
                   const std::string& flag) {
  const Status s = ValidateModelConfig(c, "m (load config)");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << field;
  EXPECT_NE(s.message().find(field), std::string::npos) << s.message();
  EXPECT_NE(s.message().find(flag), std::string::npos) << s.message();
}

void SetParam(inference::ModelConfig* c, const std::string& k, const std::string& v) {
  (*c->mutable_parameters())[k].set_string_value(v);
}

TEST(ModelConfigLimits, RefusesHugeInstanceCounts) {
  for (int count : {500, 2147483647}) {
    auto c = Base();
    c.add_instance_group()->set_count(count);
    ExpectRefused(c, "instance_group.count", "--max-model-instances");
  }
  auto c = Base();
  c.add_instance_group()->set_count(40);
  c.add_instance_group()->set_count(40);  // each fits, the sum does not
  ExpectRefused(c, "instance_group.count (sum)", "--max-model-instances");
  auto ok = Base();
  ok.add_instance_group()->set_count(4);
  EXPECT_TRUE(ValidateModelConfig(ok, "m").ok());
}

TEST(ModelConfigLimits, RefusesHugeBatchesQueuesAndWarmup) {
  auto c = Base();
  c.set_max_batch_size(2147483647);
  ExpectRefused(c, "max_batch_size", "--max-batch-size");

  c = Base();
  c.mutable_dynamic_batching()->mutable_default_queue_policy()->set_max_queue_size(4000000000u);
  ExpectRefused(c, "default_queue_policy.max_queue_size", "--max-queue-size");

  c = Base();
  c.mutable_dynamic_batching()->set_priority_levels(1ull << 40);
  c.mutable_dynamic_batching()->set_default_priority_level(1);
  ExpectRefused(c, "priority_levels", "--max-priority-levels");

  c = Base();
  auto* w = c.add_model_warmup();
  w->set_name("w");
  w->set_batch_size(1);
  auto& input = (*w->mutable_inputs())["IN"];
  input.set_data_type(inference::TYPE_FP32);
  input.add_dims(int64_t{1} << 40);
  input.add_dims(int64_t{1} << 40);  // the product overflows int64
  input.set_zero_data(true);
  ExpectRefused(c, "model_warmup[0].inputs[IN].dims", "--max-warmup-elements");

  c = Base();
  w = c.add_model_warmup();
  w->set_name("w");
  auto& file_input = (*w->mutable_inputs())["IN"];
  file_input.set_data_type(inference::TYPE_FP32);
  file_input.add_dims(4);
  file_input.set_input_data_file("../../../etc/passwd");
  const Status s = ValidateModelConfig(c, "m");
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("input_data_file"), std::string::npos) << s.message();
}

TEST(ModelConfigLimits, RefusesLlmContextTimesSlotsAndThreads) {
  auto c = Base();
  SetParam(&c, "context_length", "2147483647");
  SetParam(&c, "parallel", "8");
  ExpectRefused(c, "context_length", "--max-context-tokens");

  c = Base();
  SetParam(&c, "context_length", "65536");
  SetParam(&c, "parallel", "256");  // 16M tokens: int overflow-sized KV cache
  ExpectRefused(c, "context_length", "--max-context-tokens");

  c = Base();
  SetParam(&c, "parallel", "100000");
  ExpectRefused(c, "parameters[parallel]", "--max-llm-slots");

  c = Base();
  SetParam(&c, "threads", "100000");
  ExpectRefused(c, "parameters[threads]", "--max-model-threads");

  c = Base();
  SetParam(&c, "nthread", "lots");
  const Status s = ValidateModelConfig(c, "m");
  EXPECT_NE(s.message().find("expected an integer"), std::string::npos) << s.message();

  c = Base();
  SetParam(&c, "context_length", "2048");
  SetParam(&c, "parallel", "4");
  EXPECT_TRUE(ValidateModelConfig(c, "m").ok());
}

TEST(ModelConfigLimits, FlagsRaiseAndLowerTheLimits) {
  const ModelConfigLimits saved = GetModelConfigLimits();
  ModelConfigLimits l = saved;
  l.max_instances = 2;
  SetModelConfigLimits(l);
  auto c = Base();
  c.add_instance_group()->set_count(3);
  ExpectRefused(c, "instance_group.count", "limit 2");
  l.max_instances = 1000;
  SetModelConfigLimits(l);
  c.mutable_instance_group(0)->set_count(500);
  EXPECT_TRUE(ValidateModelConfig(c, "m").ok());
  SetModelConfigLimits(saved);
}

}  // namespace
}  // namespace strato
