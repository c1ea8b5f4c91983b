// Unit tests of the v2 JSON codec and the binary tensor data extension.
#include "v2_json_codec.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cstring>

#include "binary_extension.h"
#include "handlers.h"

namespace strato::http {
namespace {

std::shared_ptr<const std::string> Body(std::string s) { return std::make_shared<const std::string>(std::move(s)); }

StatusOr<std::unique_ptr<InferenceRequest>> Decode(const std::string& json) {
  return DecodeInferRequest(Body(json), "");
}

std::string OneInput(std::string_view datatype, std::string_view shape, std::string_view data) {
  return std::string(R"({"inputs":[{"name":"x","datatype":")") + std::string(datatype) +
         R"(","shape":)" + std::string(shape) + R"(,"data":)" + std::string(data) + "}]}";
}

void ExpectError(const std::string& json, std::string_view needle) {
  auto r = Decode(json);
  ASSERT_FALSE(r.ok()) << json;
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find(needle), std::string::npos) << r.status().message();
}

// Encodes a response holding `t` and returns the parsed JSON document.
rapidjson::Document EncodeOne(Tensor t, bool binary = false, std::string* binary_out = nullptr) {
  InferenceResponse response;
  response.id = "req-1";
  response.model_name = "m";
  response.model_version = 3;
  response.outputs.push_back(std::move(t));
  InferOutputOptions options;
  options.binary_default = binary;
  auto encoded = EncodeInferResponse(response, options);
  EXPECT_TRUE(encoded.ok()) << encoded.status().ToString();
  rapidjson::Document doc;
  doc.Parse(encoded->json.c_str());
  EXPECT_FALSE(doc.HasParseError()) << encoded->json;
  if (binary_out) {
    for (auto b : encoded->binary) binary_out->append(reinterpret_cast<const char*>(b.data()), b.size());
  }
  return doc;
}

struct TypeCase {
  const char* datatype;
  const char* data;      // JSON input data for shape [2, 2]
  const char* expected;  // JSON output (flat)
};

TEST(V2JsonCodec, RoundTripsEveryDatatype) {
  const TypeCase cases[] = {
      {"BOOL", "[[true,false],[false,true]]", "[true,false,false,true]"},
      {"UINT8", "[[0,1],[254,255]]", "[0,1,254,255]"},
      {"UINT16", "[[0,1],[2,65535]]", "[0,1,2,65535]"},
      {"UINT32", "[[0,1],[2,4294967295]]", "[0,1,2,4294967295]"},
      {"UINT64", "[[0,1],[2,18446744073709551615]]", "[0,1,2,18446744073709551615]"},
      {"INT8", "[[-128,1],[2,127]]", "[-128,1,2,127]"},
      {"INT16", "[[-32768,1],[2,32767]]", "[-32768,1,2,32767]"},
      {"INT32", "[[-2147483648,1],[2,2147483647]]", "[-2147483648,1,2,2147483647]"},
      {"INT64", "[[-9223372036854775808,1],[2,9223372036854775807]]",
       "[-9223372036854775808,1,2,9223372036854775807]"},
      {"FP16", "[[0.5,-2],[1024,0.25]]", "[0.5,-2,1024,0.25]"},
      {"BF16", "[[0.5,-2],[1024,0.25]]", "[0.5,-2,1024,0.25]"},
      {"FP32", "[[0.1,-2.5],[3,1e10]]", "[0.1,-2.5,3,1e+10]"},
      {"FP64", "[[0.1,-2.5],[3,1e300]]", "[0.1,-2.5,3,1e+300]"},
      {"BYTES", R"([["a",""],["héllo","x\"y"]])", R"(["a","","héllo","x\"y"])"},
  };
  for (const TypeCase& c : cases) {
    SCOPED_TRACE(c.datatype);
    auto r = Decode(OneInput(c.datatype, "[2,2]", c.data));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    const Tensor& t = (*r)->inputs.at(0);
    EXPECT_EQ(DataTypeName(t.datatype()), c.datatype);
    EXPECT_TRUE(t.Validate().ok());
    Tensor copy(t.name(), t.datatype(), t.shape());
    copy.SetOwned(std::vector<uint8_t>(t.bytes().begin(), t.bytes().end()));
    rapidjson::Document doc = EncodeOne(std::move(copy));
    const auto& out = doc["outputs"][0];
    EXPECT_STREQ(out["datatype"].GetString(), c.datatype);
    EXPECT_EQ(out["shape"].Size(), 2u);
    rapidjson::Document expected;
    expected.Parse(c.expected);
    EXPECT_TRUE(out["data"] == expected) << c.expected;
  }
}

TEST(V2JsonCodec, NestedAndFlatDataDecodeToSameBytes) {
  auto nested = Decode(OneInput("INT32", "[2,3]", "[[1,2,3],[4,5,6]]"));
  auto flat = Decode(OneInput("INT32", "[2,3]", "[1,2,3,4,5,6]"));
  ASSERT_TRUE(nested.ok() && flat.ok());
  const auto& a = (*nested)->inputs[0];
  const auto& b = (*flat)->inputs[0];
  ASSERT_EQ(a.byte_size(), 24u);
  EXPECT_EQ(0, std::memcmp(a.data(), b.data(), 24));
  EXPECT_EQ(a.ReadElement<int32_t>(5), 6);
}

TEST(V2JsonCodec, ReadsIdParametersAndOutputs) {
  auto r = Decode(R"({"id":"abc","parameters":{"priority":2,"timeout":500,"binary_data_output":true,"custom":"v"},
    "inputs":[{"name":"x","datatype":"FP32","shape":[1],"data":[1]}],
    "outputs":[{"name":"y","parameters":{"binary_data":false,"classification":2}}]})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)->id, "abc");
  EXPECT_EQ((*r)->priority, 2u);
  EXPECT_EQ((*r)->timeout_us, 500u);
  EXPECT_EQ(std::get<std::string>((*r)->parameters.at("custom")), "v");
  ASSERT_EQ((*r)->outputs.size(), 1u);
  EXPECT_FALSE((*r)->outputs[0].binary_data);
  EXPECT_EQ((*r)->outputs[0].class_count, 2);
  auto options = OutputOptionsFor(**r, false);
  EXPECT_TRUE(options.binary_default);
}

TEST(V2JsonCodec, BinaryInputsViewTheBody) {
  const std::string json =
      R"({"inputs":[{"name":"a","datatype":"INT32","shape":[2],"parameters":{"binary_data_size":8}},)"
      R"({"name":"b","datatype":"BYTES","shape":[1],"parameters":{"binary_data_size":7}}]})";
  std::string body = json;
  const int32_t ints[2] = {7, -9};
  body.append(reinterpret_cast<const char*>(ints), 8);
  body.append("\x03\x00\x00\x00" "abc", 7);
  auto shared = Body(body);
  auto r = DecodeInferRequest(shared, std::to_string(json.size()));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const Tensor& a = (*r)->inputs[0];
  EXPECT_EQ(a.data(), reinterpret_cast<const uint8_t*>(shared->data()) + json.size());
  EXPECT_EQ(a.ReadElement<int32_t>(1), -9);
  EXPECT_EQ((*r)->inputs[1].byte_size(), 7u);
}

TEST(V2JsonCodec, BinaryOutputsFollowTheJson) {
  Tensor t("y", DataType::kFp32, {2});
  const float v[2] = {1.5f, 2.5f};
  t.SetOwned(std::vector<uint8_t>(reinterpret_cast<const uint8_t*>(v), reinterpret_cast<const uint8_t*>(v) + 8));
  std::string bin;
  rapidjson::Document doc = EncodeOne(std::move(t), true, &bin);
  EXPECT_STREQ(doc["id"].GetString(), "req-1");
  EXPECT_STREQ(doc["model_version"].GetString(), "3");
  const auto& out = doc["outputs"][0];
  EXPECT_FALSE(out.HasMember("data"));
  EXPECT_EQ(out["parameters"]["binary_data_size"].GetUint64(), 8u);
  ASSERT_EQ(bin.size(), 8u);
  // The wire bytes are the point here, not float equality.
  EXPECT_EQ(0, std::memcmp(bin.data(), v, 8));  // NOLINT(bugprone-suspicious-memory-comparison)
}

TEST(V2JsonCodec, ClassificationReturnsTopK) {
  Tensor t("y", DataType::kFp32, {1, 4});
  const float v[4] = {0.1f, 0.7f, 0.05f, 0.15f};
  t.SetOwned(std::vector<uint8_t>(reinterpret_cast<const uint8_t*>(v), reinterpret_cast<const uint8_t*>(v) + 16));
  InferenceResponse response;
  response.model_name = "m";
  response.outputs.push_back(std::move(t));
  InferOutputOptions options;
  options.model_batches = true;
  options.outputs.push_back({"y", false, 2, {}});
  auto encoded = EncodeInferResponse(response, options);
  ASSERT_TRUE(encoded.ok());
  rapidjson::Document doc;
  doc.Parse(encoded->json.c_str());
  const auto& out = doc["outputs"][0];
  EXPECT_STREQ(out["datatype"].GetString(), "BYTES");
  EXPECT_EQ(out["shape"][1].GetInt(), 2);
  EXPECT_EQ(std::string(out["data"][0].GetString()).substr(std::string(out["data"][0].GetString()).find(':')), ":1");
  EXPECT_EQ(std::string(out["data"][1].GetString()).back(), '3');
}

TEST(V2JsonCodec, RejectsMalformedJson) {
  ExpectError("{\"inputs\": [", "malformed JSON");
  ExpectError("", "malformed JSON");
  ExpectError("[1,2]", "must be a JSON object");
  ExpectError("{}", "missing 'inputs'");
  ExpectError(R"({"inputs":{}})", "'inputs' must be an array");
  ExpectError(R"({"id":5,"inputs":[]})", "'id' must be a string");
}

TEST(V2JsonCodec, RejectsBadInputs) {
  ExpectError(R"({"inputs":[{"datatype":"FP32","shape":[1],"data":[1]}]})", "inputs[0]: missing string 'name'");
  ExpectError(OneInput("FP33", "[1]", "[1]"), "unknown datatype 'FP33'");
  ExpectError(OneInput("FP32", "[-1]", "[1]"), "'shape'");
  ExpectError(OneInput("FP32", "[2,2]", "[1,2,3]"), "data has 3 elements but shape needs 4");
  ExpectError(OneInput("UINT8", "[1]", "[256]"), "input 'x': data element 0");
  ExpectError(OneInput("INT8", "[2]", "[1, -129]"), "data element 1");
  ExpectError(OneInput("INT32", "[1]", "[1.5]"), "must be an integer");
  ExpectError(OneInput("FP32", "[1]", "[\"a\"]"), "must be a number");
  ExpectError(OneInput("BOOL", "[1]", "[1]"), "true or false");
  ExpectError(OneInput("BYTES", "[1]", "[1]"), "must be a string");
  ExpectError(R"({"inputs":[{"name":"x","datatype":"FP32","shape":[1]}]})", "missing 'data'");
  ExpectError(R"({"inputs":[{"name":"x","datatype":"FP32","shape":[1],"data":[1]},{"name":"x","datatype":"FP32","shape":[1],"data":[1]}]})",
              "appears more than once");
  ExpectError(R"({"parameters":{"priority":-1},"inputs":[]})", "'priority'");
  ExpectError(R"({"parameters":{"binary_data_output":1},"inputs":[]})", "binary_data_output");
  ExpectError(R"({"inputs":[],"outputs":[{"name":"y","parameters":{"binary_data":"yes"}}]})", "binary_data must be a bool");
}

TEST(V2JsonCodec, RejectsBadBinaryData) {
  const std::string json =
      R"({"inputs":[{"name":"a","datatype":"INT32","shape":[2],"parameters":{"binary_data_size":8}}]})";
  auto with = [&](const std::string& tail, const std::string& header) {
    return DecodeInferRequest(Body(json + tail), header);
  };
  auto r = with(std::string(8, '\0'), std::to_string(json.size() + 100));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("Inference-Header-Content-Length"), std::string::npos);
  r = with(std::string(8, '\0'), "abc");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("not a decimal"), std::string::npos);
  r = with(std::string(4, '\0'), std::to_string(json.size()));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("input 'a': parameters.binary_data_size 8 exceeds"), std::string::npos);
  r = with(std::string(12, '\0'), std::to_string(json.size()));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("add up to 8 bytes but 12"), std::string::npos);
  // Size fits the buffer but not the shape.
  const std::string json3 =
      R"({"inputs":[{"name":"a","datatype":"INT32","shape":[3],"parameters":{"binary_data_size":8}}]})";
  r = DecodeInferRequest(Body(json3 + std::string(8, '\0')), std::to_string(json3.size()));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("input 'a'"), std::string::npos);
  // A BYTES length prefix pointing past the end.
  const std::string jb =
      R"({"inputs":[{"name":"s","datatype":"BYTES","shape":[1],"parameters":{"binary_data_size":6}}]})";
  r = DecodeInferRequest(Body(jb + std::string("\x09\x00\x00\x00" "ab", 6)), std::to_string(jb.size()));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("input 's'"), std::string::npos);
  EXPECT_NE(r.status().message().find("claims 9 bytes"), std::string::npos);
  // Both data and binary_data_size.
  const std::string both =
      R"({"inputs":[{"name":"a","datatype":"INT32","shape":[1],"data":[1],"parameters":{"binary_data_size":4}}]})";
  r = DecodeInferRequest(Body(both + std::string(4, '\0')), std::to_string(both.size()));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("both 'data' and parameters.binary_data_size"), std::string::npos);
}

TEST(BinaryExtension, SplitsBody) {
  auto parts = SplitInferenceBody("{}abcd", " 2 ");
  ASSERT_TRUE(parts.ok());
  EXPECT_EQ(parts->json, "{}");
  EXPECT_EQ(parts->binary.size(), 4u);
  auto whole = SplitInferenceBody("{}abcd", "");
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(whole->json.size(), 6u);
  EXPECT_FALSE(SplitInferenceBody("{}", "-1").ok());
  EXPECT_FALSE(SplitInferenceBody("{}", "99999999999999999999999").ok());
}


}  // namespace
}  // namespace strato::http
