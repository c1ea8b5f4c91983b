// Tests of model metadata decoding, input construction and the HTTP infer
// body built from it.
#include "input_data.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cstring>

#include "request_builder.h"

namespace strato::perf {
namespace {

constexpr char kSimpleMetadata[] = R"({"name":"simple","versions":["1"],"platform":"add_sub",
  "inputs":[{"name":"INPUT0","datatype":"INT32","shape":[-1,16]},{"name":"INPUT1","datatype":"INT32","shape":[-1,16]}],
  "outputs":[{"name":"OUTPUT0","datatype":"INT32","shape":[-1,16]}]})";

ModelInfo Simple() {
  auto info = ParseModelMetadataJson(kSimpleMetadata);
  EXPECT_TRUE(info.ok());
  EXPECT_TRUE(ApplyModelConfigJson(R"({"name":"simple","max_batch_size":8})", &*info).ok());
  return *info;
}

ModelInfo IdentityFp32() {
  auto info = ParseModelMetadataJson(
      R"({"name":"identity_fp32","inputs":[{"name":"INPUT0","datatype":"FP32","shape":[-1,-1]}],
          "outputs":[{"name":"OUTPUT0","datatype":"FP32","shape":[-1,-1]}]})");
  EXPECT_TRUE(info.ok());
  info->max_batch_size = 64;
  info->config_known = true;
  return *info;
}

// "0,1,...,15"
std::string Ramp16() {
  std::string ramp = "0";
  for (int i = 1; i < 16; ++i) ramp.append(",").append(std::to_string(i));
  return ramp;
}

int32_t Int32At(const InputTensor& t, size_t i) {
  int32_t v;
  std::memcpy(&v, t.raw.data() + i * 4, 4);
  return v;
}

TEST(ModelInfoTest, ParsesMetadataAndConfig) {
  ModelInfo info = Simple();
  EXPECT_EQ(info.name, "simple");
  ASSERT_EQ(info.inputs.size(), 2u);
  EXPECT_EQ(info.inputs[1].datatype, DataType::kInt32);
  EXPECT_EQ(info.inputs[1].shape, (std::vector<int64_t>{-1, 16}));
  EXPECT_EQ(info.max_batch_size, 8);
  ModelInfo wrapped = info;
  ASSERT_TRUE(ApplyModelConfigJson(R"({"config":{"max_batch_size":"4"}})", &wrapped).ok());
  EXPECT_EQ(wrapped.max_batch_size, 4);
}

TEST(ModelInfoTest, RejectsBadMetadata) {
  EXPECT_FALSE(ParseModelMetadataJson("nope").ok());
  EXPECT_FALSE(ParseModelMetadataJson(R"({"inputs":[]})").ok());
  EXPECT_FALSE(ParseModelMetadataJson(R"({"inputs":[{"name":"a","datatype":"FP99","shape":[1]}]})").ok());
}

TEST(ModelInfoTest, GuessesBatchingFromLeadingVariableDim) {
  ModelInfo info = Simple();
  GuessBatching(&info);
  EXPECT_GT(info.max_batch_size, 0);
  info.inputs[0].shape = {16};
  GuessBatching(&info);
  EXPECT_EQ(info.max_batch_size, 0);
}

TEST(ResolveShapeTest, PrependsBatchAndAppliesOverrides) {
  ModelInfo simple = Simple();
  EXPECT_EQ(*ResolveShape(simple.inputs[0], simple, 4, {}), (std::vector<int64_t>{4, 16}));
  EXPECT_FALSE(ResolveShape(simple.inputs[0], simple, 9, {}).ok());  // > max_batch_size
  ModelInfo id = IdentityFp32();
  auto missing = ResolveShape(id.inputs[0], id, 1, {});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("--shape"), std::string::npos);
  EXPECT_EQ(*ResolveShape(id.inputs[0], id, 2, {{"INPUT0", {16}}}), (std::vector<int64_t>{2, 16}));
  EXPECT_FALSE(ResolveShape(id.inputs[0], id, 1, {{"INPUT0", {16, 2}}}).ok());  // wrong rank
  EXPECT_FALSE(ResolveShape(simple.inputs[0], simple, 1, {{"INPUT0", {8}}}).ok());  // fixed dim
  ModelInfo nobatch = Simple();
  nobatch.max_batch_size = 0;
  nobatch.inputs[0].shape = {16};
  EXPECT_FALSE(ResolveShape(nobatch.inputs[0], nobatch, 2, {}).ok());
  EXPECT_EQ(*ResolveShape(nobatch.inputs[0], nobatch, 1, {}), (std::vector<int64_t>{16}));
}

TEST(SyntheticInputsTest, ZeroAndRandomHaveTheRightSize) {
  PerfOptions o;
  o.batch_size = 2;
  auto zero = MakeSyntheticInputs(Simple(), o, true);
  ASSERT_TRUE(zero.ok());
  ASSERT_EQ(zero->size(), 1u);
  const InputTensor& t = (*zero)[0][0];
  EXPECT_EQ(t.shape, (std::vector<int64_t>{2, 16}));
  EXPECT_EQ(t.raw.size(), 2u * 16 * 4);
  EXPECT_EQ(Int32At(t, 5), 0);
  auto random = MakeSyntheticInputs(Simple(), o, false);
  int nonzero = 0;
  for (size_t i = 0; i < 32; ++i) nonzero += Int32At((*random)[0][0], i) != 0;
  EXPECT_GT(nonzero, 0);
}

TEST(InputDataFileTest, ParsesFlatNestedAndObjectValues) {
  const std::string ramp = Ramp16();
  std::string json = R"({"data":[{"INPUT0":[)" + ramp + R"(],"INPUT1":{"content":[[)" + ramp +
                     R"(]],"shape":[16]}},{"INPUT0":[)" + ramp + R"(],"INPUT1":[)" + ramp + "]}]}";
  PerfOptions o;
  auto sets = ParseInputDataJson(json, Simple(), o);
  ASSERT_TRUE(sets.ok()) << sets.status().ToString();
  ASSERT_EQ(sets->size(), 2u);
  EXPECT_EQ((*sets)[0][1].shape, (std::vector<int64_t>{1, 16}));
  EXPECT_EQ(Int32At((*sets)[0][1], 15), 15);
}

TEST(InputDataFileTest, RepeatsOneRowForTheBatch) {
  const std::string ramp = Ramp16();
  PerfOptions o;
  o.batch_size = 3;
  auto sets = ParseInputDataJson(R"({"data":[{"INPUT0":[)" + ramp + R"(],"INPUT1":[)" + ramp + "]}]}", Simple(), o);
  ASSERT_TRUE(sets.ok()) << sets.status().ToString();
  const InputTensor& t = (*sets)[0][0];
  EXPECT_EQ(t.shape, (std::vector<int64_t>{3, 16}));
  EXPECT_EQ(Int32At(t, 16 * 2 + 7), 7);
}

TEST(InputDataFileTest, ErrorsNameEntryAndInput) {
  PerfOptions o;
  auto missing = ParseInputDataJson(R"({"data":[{"INPUT0":[1]}]})", Simple(), o);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("entry 0"), std::string::npos);
  auto count = ParseInputDataJson(R"({"data":[{"INPUT0":[1,2],"INPUT1":[1,2]}]})", Simple(), o);
  ASSERT_FALSE(count.ok());
  EXPECT_NE(count.status().message().find("INPUT0"), std::string::npos);
  EXPECT_FALSE(ParseInputDataJson(R"({"data":[]})", Simple(), o).ok());
  EXPECT_FALSE(ParseInputDataJson("[1]", Simple(), o).ok());
  EXPECT_FALSE(ParseInputDataJson(R"({"data":[{"INPUT0":"x","INPUT1":[1]}]})", Simple(), o).ok());
}

TEST(InputDataFileTest, BytesInputsTakeStrings) {
  auto info = ParseModelMetadataJson(R"({"name":"identity_bytes","inputs":[{"name":"INPUT0","datatype":"BYTES","shape":[-1,1]}]})");
  ASSERT_TRUE(info.ok());
  info->max_batch_size = 8;
  PerfOptions o;
  auto sets = ParseInputDataJson(R"({"data":[{"INPUT0":["hello"]}]})", *info, o);
  ASSERT_TRUE(sets.ok()) << sets.status().ToString();
  EXPECT_EQ((*sets)[0][0].raw.size(), 4u + 5u);
  HttpInferBody body = BuildHttpInferBody((*sets)[0], {}, false);
  EXPECT_NE(body.body.find(R"("data":["hello"])"), std::string::npos) << body.body;
}

TEST(HttpBodyTest, JsonBodyMatchesKServe) {
  PerfOptions o;
  auto sets = MakeSyntheticInputs(Simple(), o, true);
  HttpInferBody body = BuildHttpInferBody((*sets)[0], {}, false);
  EXPECT_EQ(body.json_size, body.body.size());
  rapidjson::Document doc;
  doc.Parse(body.body.c_str());
  ASSERT_FALSE(doc.HasParseError());
  const auto& in = doc["inputs"][0];
  EXPECT_STREQ(in["name"].GetString(), "INPUT0");
  EXPECT_STREQ(in["datatype"].GetString(), "INT32");
  EXPECT_EQ(in["shape"][0].GetInt(), 1);
  EXPECT_EQ(in["shape"][1].GetInt(), 16);
  EXPECT_EQ(in["data"].Size(), 16u);
  EXPECT_FALSE(doc.HasMember("outputs"));
}

TEST(HttpBodyTest, BinaryBodyAppendsRawTensors) {
  PerfOptions o;
  auto sets = MakeSyntheticInputs(Simple(), o, false);
  HttpInferBody body = BuildHttpInferBody((*sets)[0], {"OUTPUT0"}, true);
  EXPECT_EQ(body.body.size(), body.json_size + 2 * 64);
  rapidjson::Document doc;
  doc.Parse(body.body.data(), body.json_size);
  ASSERT_FALSE(doc.HasParseError());
  EXPECT_EQ(doc["inputs"][0]["parameters"]["binary_data_size"].GetInt(), 64);
  EXPECT_FALSE(doc["inputs"][0].HasMember("data"));
  EXPECT_TRUE(doc["outputs"][0]["parameters"]["binary_data"].GetBool());
  EXPECT_EQ(std::memcmp(body.body.data() + body.json_size, (*sets)[0][0].raw.data(), 64), 0);
  std::string req = BuildHttpRequest("POST", "h:1", "/v2/models/simple/infer", &body);
  EXPECT_NE(req.find("Inference-Header-Content-Length: " + std::to_string(body.json_size) + "\r\n"),
            std::string::npos);
  EXPECT_NE(req.find("Content-Length: " + std::to_string(body.body.size()) + "\r\n"), std::string::npos);
}

TEST(HttpBodyTest, FloatValuesRoundTrip) {
  ModelInfo id = IdentityFp32();
  PerfOptions o;
  o.shapes["INPUT0"] = {3};
  auto sets = ParseInputDataJson(R"({"data":[{"INPUT0":[0.5,-2,1e3]}]})", id, o);
  ASSERT_TRUE(sets.ok()) << sets.status().ToString();
  HttpInferBody body = BuildHttpInferBody((*sets)[0], {}, false);
  EXPECT_NE(body.body.find("[0.5,-2.0,1000.0]"), std::string::npos) << body.body;
}

TEST(ModelPathTest, EncodesNamesAndVersions) {
  EXPECT_EQ(ModelPath("simple", "", "/infer"), "/v2/models/simple/infer");
  EXPECT_EQ(ModelPath("a b", "3", "/stats"), "/v2/models/a%20b/versions/3/stats");
}

}  // namespace
}  // namespace strato::perf
