// ModelInfer through a real gRPC channel: raw and typed contents, requested
// outputs, error codes, cancellation and concurrency.
#include <algorithm>
#include <cstdio>
#include <thread>

#include "grpc_test_fixture.h"

namespace strato::grpcfe::testing {
namespace {

using inference::ModelInferRequest;
using inference::ModelInferResponse;

class GrpcInferTest : public GrpcFrontendTest {
 protected:
  // Expects `request` to fail with `code` and a message containing `needle`.
  void ExpectError(const ModelInferRequest& request, grpc::StatusCode code, const std::string& needle) {
    ModelInferResponse response;
    grpc::Status s = Infer(request, &response);
    EXPECT_EQ(s.error_code(), code) << s.error_message();
    EXPECT_NE(s.error_message().find(needle), std::string::npos) << s.error_message();
  }
};

TEST_F(GrpcInferTest, RawContentsAddAndSubtract) {
  ModelInferRequest request = AddRequest({1, 2, 3, 4}, {10, 20, 30, 40});
  request.set_id("req-7");
  ModelInferResponse response;
  grpc::Status s = Infer(request, &response);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(response.id(), "req-7");
  EXPECT_EQ(response.model_name(), "add");
  EXPECT_EQ(response.model_version(), "1");
  ASSERT_EQ(response.outputs_size(), 2);
  ASSERT_EQ(response.raw_output_contents_size(), 2);
  EXPECT_EQ(response.outputs(0).name(), "OUTPUT0");
  EXPECT_EQ(response.outputs(0).datatype(), "INT32");
  EXPECT_EQ(std::vector<int64_t>(response.outputs(0).shape().begin(), response.outputs(0).shape().end()),
            (std::vector<int64_t>{1, 4}));
  EXPECT_EQ(FromRaw<int32_t>(response.raw_output_contents(0)), (std::vector<int32_t>{11, 22, 33, 44}));
  EXPECT_EQ(FromRaw<int32_t>(response.raw_output_contents(1)), (std::vector<int32_t>{-9, -18, -27, -36}));
}

TEST_F(GrpcInferTest, TypedContentsAnsweredAsRaw) {
  ModelInferRequest request;
  request.set_model_name("add");
  for (const char* name : {"INPUT0", "INPUT1"}) {
    auto* in = request.add_inputs();
    in->set_name(name);
    in->set_datatype("INT32");
    in->add_shape(2);
    in->add_shape(4);
    for (int i = 0; i < 8; ++i) in->mutable_contents()->add_int_contents(name[5] == '0' ? i : 100);
  }
  ModelInferResponse response;
  ASSERT_TRUE(Infer(request, &response).ok());
  EXPECT_EQ(response.outputs(0).contents().int_contents_size(), 0);
  EXPECT_EQ(FromRaw<int32_t>(response.raw_output_contents(0)),
            (std::vector<int32_t>{100, 101, 102, 103, 104, 105, 106, 107}));
}

// Each typed field decodes into the datatype's packed little-endian bytes.
TEST_F(GrpcInferTest, EveryTypedFieldDecodes) {
  struct Case {
    const char* datatype;
    std::function<void(inference::InferTensorContents*)> fill;
    std::string expected;
  };
  std::string bytes_expected;
  for (std::string e : {"ab", "", "xyz"}) {
    const uint32_t n = static_cast<uint32_t>(e.size());
    bytes_expected.append(reinterpret_cast<const char*>(&n), 4).append(e);
  }
  const std::vector<Case> cases = {
      {"BOOL", [](auto* c) { c->add_bool_contents(true); c->add_bool_contents(false); c->add_bool_contents(true); },
       std::string("\x01\x00\x01", 3)},
      {"INT8", [](auto* c) { for (int v : {-1, 2, 127}) c->add_int_contents(v); }, Raw<int8_t>({-1, 2, 127})},
      {"INT16", [](auto* c) { for (int v : {-300, 2, 3}) c->add_int_contents(v); }, Raw<int16_t>({-300, 2, 3})},
      {"INT32", [](auto* c) { for (int v : {-70000, 2, 3}) c->add_int_contents(v); }, Raw<int32_t>({-70000, 2, 3})},
      {"INT64", [](auto* c) { for (int64_t v : {-(1LL << 40), 2LL, 3LL}) c->add_int64_contents(v); },
       Raw<int64_t>({-(1LL << 40), 2, 3})},
      {"UINT8", [](auto* c) { for (uint32_t v : {255u, 0u, 1u}) c->add_uint_contents(v); }, Raw<uint8_t>({255, 0, 1})},
      {"UINT16", [](auto* c) { for (uint32_t v : {65535u, 0u, 1u}) c->add_uint_contents(v); },
       Raw<uint16_t>({65535, 0, 1})},
      {"UINT32", [](auto* c) { for (uint32_t v : {4000000000u, 0u, 1u}) c->add_uint_contents(v); },
       Raw<uint32_t>({4000000000u, 0, 1})},
      {"UINT64", [](auto* c) { for (uint64_t v : {1ULL << 63, 0ULL, 1ULL}) c->add_uint64_contents(v); },
       Raw<uint64_t>({1ULL << 63, 0, 1})},
      {"FP32", [](auto* c) { for (float v : {1.5f, -2.25f, 0.f}) c->add_fp32_contents(v); },
       Raw<float>({1.5f, -2.25f, 0.f})},
      {"FP64", [](auto* c) { for (double v : {1e300, -2.5, 0.0}) c->add_fp64_contents(v); },
       Raw<double>({1e300, -2.5, 0.0})},
      {"BYTES", [](auto* c) { for (const char* v : {"ab", "", "xyz"}) c->add_bytes_contents(v); }, bytes_expected},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.datatype);
    ModelInferRequest request;
    request.set_model_name("echo");
    auto* in = request.add_inputs();
    in->set_name("INPUT0");
    in->set_datatype(c.datatype);
    in->add_shape(3);
    c.fill(in->mutable_contents());
    ModelInferResponse response;
    grpc::Status s = Infer(request, &response);
    ASSERT_TRUE(s.ok()) << s.error_message();
    ASSERT_EQ(response.raw_output_contents_size(), 1);
    EXPECT_EQ(response.outputs(0).datatype(), c.datatype);
    EXPECT_EQ(response.raw_output_contents(0), c.expected);
  }
}

TEST_F(GrpcInferTest, RequestedOutputSubset) {
  ModelInferRequest request = AddRequest({5, 5, 5, 5}, {1, 2, 3, 4});
  request.add_outputs()->set_name("OUTPUT1");
  ModelInferResponse response;
  ASSERT_TRUE(Infer(request, &response).ok());
  ASSERT_EQ(response.outputs_size(), 1);
  EXPECT_EQ(response.outputs(0).name(), "OUTPUT1");
  EXPECT_EQ(FromRaw<int32_t>(response.raw_output_contents(0)), (std::vector<int32_t>{4, 3, 2, 1}));
}

TEST_F(GrpcInferTest, UnknownModelIsNotFound) {
  ModelInferRequest request = AddRequest({1, 2, 3, 4}, {1, 2, 3, 4});
  request.set_model_name("nope");
  ExpectError(request, grpc::StatusCode::NOT_FOUND, "nope");
}

TEST_F(GrpcInferTest, UnknownVersionIsNotFoundAndBadVersionInvalid) {
  ModelInferRequest request = AddRequest({1, 2, 3, 4}, {1, 2, 3, 4});
  request.set_model_version("7");
  ExpectError(request, grpc::StatusCode::NOT_FOUND, "version 7");
  request.set_model_version("v1");
  ExpectError(request, grpc::StatusCode::INVALID_ARGUMENT, "model_version");
}

TEST_F(GrpcInferTest, ModelNotReadyIsUnavailable) {
  ModelInferRequest request = AddRequest({1, 2, 3, 4}, {1, 2, 3, 4});
  request.set_model_name("broken");
  ExpectError(request, grpc::StatusCode::UNAVAILABLE, "not ready");
}

TEST_F(GrpcInferTest, MissingInputIsInvalidArgument) {
  ModelInferRequest request = AddRequest({1, 2, 3, 4}, {1, 2, 3, 4});
  request.mutable_inputs()->RemoveLast();
  request.mutable_raw_input_contents()->RemoveLast();
  ExpectError(request, grpc::StatusCode::INVALID_ARGUMENT, "INPUT1");
}

TEST_F(GrpcInferTest, WrongDatatypeIsInvalidArgument) {
  ModelInferRequest request = AddRequest({1, 2, 3, 4}, {1, 2, 3, 4});
  request.mutable_inputs(1)->set_datatype("FP32");
  ExpectError(request, grpc::StatusCode::INVALID_ARGUMENT, "INPUT1");
}

TEST_F(GrpcInferTest, ShapeMismatchIsInvalidArgument) {
  ModelInferRequest request = AddRequest({1, 2, 3, 4, 5}, {1, 2, 3, 4, 5});
  ExpectError(request, grpc::StatusCode::INVALID_ARGUMENT, "shape");
}

TEST_F(GrpcInferTest, RawSizeMismatchNamesInputAndField) {
  ModelInferRequest request = AddRequest({1, 2, 3, 4}, {1, 2, 3, 4});
  request.mutable_raw_input_contents(1)->resize(15);
  ExpectError(request, grpc::StatusCode::INVALID_ARGUMENT, "input 'INPUT1': raw_input_contents has 15 bytes");
}

TEST_F(GrpcInferTest, RawCountMismatch) {
  ModelInferRequest request = AddRequest({1, 2, 3, 4}, {1, 2, 3, 4});
  request.add_raw_input_contents("extra");
  ExpectError(request, grpc::StatusCode::INVALID_ARGUMENT, "raw_input_contents has 3 entries");
}

TEST_F(GrpcInferTest, TypedErrors) {
  ModelInferRequest request;
  request.set_model_name("echo");
  auto* in = request.add_inputs();
  in->set_name("INPUT0");
  in->set_datatype("INT32");
  in->add_shape(2);
  in->mutable_contents()->add_fp32_contents(1.f);
  in->mutable_contents()->add_fp32_contents(2.f);
  ExpectError(request, grpc::StatusCode::INVALID_ARGUMENT, "expects contents.int_contents, got contents.fp32_contents");

  in->mutable_contents()->Clear();
  in->mutable_contents()->add_int_contents(1);
  ExpectError(request, grpc::StatusCode::INVALID_ARGUMENT, "contents.int_contents has 1 elements but shape [2] needs 2");

  in->set_datatype("INT8");
  in->mutable_contents()->add_int_contents(300);
  ExpectError(request, grpc::StatusCode::INVALID_ARGUMENT, "out of range for INT8");

  in->set_datatype("FP16");
  ExpectError(request, grpc::StatusCode::INVALID_ARGUMENT, "raw_input_contents");

  in->set_datatype("FLOAT32");
  ExpectError(request, grpc::StatusCode::INVALID_ARGUMENT, "unknown datatype 'FLOAT32'");
}

TEST_F(GrpcInferTest, BadPriorityParameter) {
  ModelInferRequest request = AddRequest({1, 2, 3, 4}, {1, 2, 3, 4});
  (*request.mutable_parameters())["priority"].set_string_param("high");
  ExpectError(request, grpc::StatusCode::INVALID_ARGUMENT, "priority");
  (*request.mutable_parameters())["priority"].set_int64_param(2);
  (*request.mutable_parameters())["timeout"].set_int64_param(100000);
  ModelInferResponse response;
  EXPECT_TRUE(Infer(request, &response).ok());
}

// A call whose deadline passes is cancelled on the server: the model sees
// the flag and stops waiting, so the next request is not held up.
TEST_F(GrpcInferTest, DeadlineCancelsRequestInModel) {
  ModelInferRequest slow;
  slow.set_model_name("echo");
  auto* in = slow.add_inputs();
  in->set_name("INPUT0");
  in->set_datatype("FP32");
  in->add_shape(1);
  slow.add_raw_input_contents(Raw<float>({1.f}));
  (*slow.mutable_parameters())["delay_ms"].set_int64_param(20000);
  {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(100));
    ModelInferResponse response;
    EXPECT_EQ(stub_->ModelInfer(&context, slow, &response).error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  }
  const auto start = std::chrono::steady_clock::now();
  ModelInferResponse response;
  ASSERT_TRUE(Infer(AddRequest({1, 1, 1, 1}, {1, 1, 1, 1}), &response).ok());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST_F(GrpcInferTest, ConcurrentClients) {
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        ModelInferResponse response;
        grpc::Status s = Infer(AddRequest({t, i, 0, 0}, {i, t, 0, 0}), &response);
        if (!s.ok() || FromRaw<int32_t>(response.raw_output_contents(0)) != std::vector<int32_t>{t + i, t + i, 0, 0}) {
          ++failures;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
}

// Sequential calls over loopback; prints the median so regressions show in
// the log. The bound is loose because the test machine is shared.
TEST_F(GrpcInferTest, SequentialLatency) {
  ModelInferRequest request;
  request.set_model_name("echo");
  auto* in = request.add_inputs();
  in->set_name("INPUT0");
  in->set_datatype("FP32");
  in->add_shape(16);
  request.add_raw_input_contents(Raw<float>(std::vector<float>(16, 1.f)));
  std::vector<double> us;
  for (int i = 0; i < 1000; ++i) {
    const auto start = std::chrono::steady_clock::now();
    ModelInferResponse response;
    grpc::ClientContext context;
    ASSERT_TRUE(stub_->ModelInfer(&context, request, &response).ok());
    us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(us.begin(), us.end());
  std::printf("ModelInfer loopback latency: p50 %.0f us, p90 %.0f us, p99 %.0f us\n", us[500], us[900], us[990]);
  EXPECT_LT(us[500], 5000.0);
}

}  // namespace
}  // namespace strato::grpcfe::testing
