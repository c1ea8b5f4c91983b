// ModelStreamInfer: ordering, errors inside the stream, decoupled responses
// and cancellation.
#include "grpc_test_fixture.h"

namespace strato::grpcfe::testing {
namespace {

using inference::ModelInferRequest;
using inference::ModelStreamInferResponse;

class GrpcStreamTest : public GrpcFrontendTest {
 protected:
  ModelInferRequest EchoRequest(const std::string& id, float value) {
    ModelInferRequest r;
    r.set_model_name("echo");
    r.set_id(id);
    auto* in = r.add_inputs();
    in->set_name("INPUT0");
    in->set_datatype("FP32");
    in->add_shape(1);
    r.add_raw_input_contents(Raw<float>({value}));
    return r;
  }
};

TEST_F(GrpcStreamTest, ManyRequestsAnsweredInOrder) {
  grpc::ClientContext context;
  auto stream = stub_->ModelStreamInfer(&context);
  for (int i = 0; i < 10; ++i) {
    ModelInferRequest r = AddRequest({i, i, i, i}, {1, 2, 3, 4});
    r.set_id("r" + std::to_string(i));
    ASSERT_TRUE(stream->Write(r));
  }
  stream->WritesDone();
  ModelStreamInferResponse response;
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(stream->Read(&response));
    EXPECT_EQ(response.error_message(), "");
    EXPECT_EQ(response.infer_response().id(), "r" + std::to_string(i));
    EXPECT_EQ(FromRaw<int32_t>(response.infer_response().raw_output_contents(0)),
              (std::vector<int32_t>{i + 1, i + 2, i + 3, i + 4}));
  }
  EXPECT_FALSE(stream->Read(&response));
  EXPECT_TRUE(stream->Finish().ok());
}

TEST_F(GrpcStreamTest, ErrorsKeepTheStreamOpen) {
  grpc::ClientContext context;
  auto stream = stub_->ModelStreamInfer(&context);
  ModelInferRequest bad = AddRequest({1, 2, 3, 4}, {1, 2, 3, 4});
  bad.set_model_name("nope");
  bad.set_id("bad");
  ModelInferRequest invalid = AddRequest({1, 2, 3, 4}, {1, 2, 3, 4});
  invalid.mutable_raw_input_contents(0)->resize(3);
  invalid.set_id("invalid");
  ASSERT_TRUE(stream->Write(EchoRequest("a", 1.f)));
  ASSERT_TRUE(stream->Write(bad));
  ASSERT_TRUE(stream->Write(invalid));
  ASSERT_TRUE(stream->Write(EchoRequest("b", 2.f)));
  stream->WritesDone();
  ModelStreamInferResponse r;
  ASSERT_TRUE(stream->Read(&r));
  EXPECT_EQ(r.infer_response().id(), "a");
  ASSERT_TRUE(stream->Read(&r));
  EXPECT_EQ(r.infer_response().id(), "bad");
  EXPECT_NE(r.error_message().find("unknown model 'nope'"), std::string::npos) << r.error_message();
  ASSERT_TRUE(stream->Read(&r));
  EXPECT_EQ(r.infer_response().id(), "invalid");
  EXPECT_NE(r.error_message().find("raw_input_contents has 3 bytes"), std::string::npos) << r.error_message();
  ASSERT_TRUE(stream->Read(&r));
  EXPECT_EQ(r.infer_response().id(), "b");
  EXPECT_EQ(r.error_message(), "");
  EXPECT_EQ(FromRaw<float>(r.infer_response().raw_output_contents(0)), std::vector<float>{2.f});
  EXPECT_FALSE(stream->Read(&r));
  EXPECT_TRUE(stream->Finish().ok());
}

TEST_F(GrpcStreamTest, DecoupledResponsesInOrderWithoutEmptyFinal) {
  grpc::ClientContext context;
  auto stream = stub_->ModelStreamInfer(&context);
  ModelInferRequest many = EchoRequest("many", 3.f);
  (*many.mutable_parameters())["repeat"].set_int64_param(3);
  ASSERT_TRUE(stream->Write(many));
  ASSERT_TRUE(stream->Write(EchoRequest("after", 4.f)));
  stream->WritesDone();
  ModelStreamInferResponse r;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(stream->Read(&r));
    EXPECT_EQ(r.infer_response().id(), "many");
    EXPECT_EQ(r.infer_response().parameters().at("index").int64_param(), i);
  }
  ASSERT_TRUE(stream->Read(&r));
  EXPECT_EQ(r.infer_response().id(), "after");
  EXPECT_FALSE(stream->Read(&r));
  EXPECT_TRUE(stream->Finish().ok());
}

TEST_F(GrpcStreamTest, EmptyFinalResponseOnRequest) {
  grpc::ClientContext context;
  auto stream = stub_->ModelStreamInfer(&context);
  ModelInferRequest many = EchoRequest("many", 3.f);
  (*many.mutable_parameters())["repeat"].set_int64_param(2);
  (*many.mutable_parameters())["triton_enable_empty_final_response"].set_bool_param(true);
  ASSERT_TRUE(stream->Write(many));
  stream->WritesDone();
  ModelStreamInferResponse r;
  std::vector<bool> finals;
  while (stream->Read(&r)) finals.push_back(r.infer_response().parameters().at("triton_final_response").bool_param());
  EXPECT_EQ(finals, (std::vector<bool>{false, false, true}));
  EXPECT_TRUE(stream->Finish().ok());
}

TEST_F(GrpcStreamTest, CancelEndsStreamAndCancelsRequests) {
  grpc::ClientContext context;
  auto stream = stub_->ModelStreamInfer(&context);
  ModelInferRequest slow = EchoRequest("slow", 1.f);
  (*slow.mutable_parameters())["delay_ms"].set_int64_param(20000);
  ASSERT_TRUE(stream->Write(slow));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  context.TryCancel();
  EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::CANCELLED);
  // The worker was released by the cancellation: a new call is served fast.
  const auto start = std::chrono::steady_clock::now();
  inference::ModelInferResponse response;
  ASSERT_TRUE(Infer(AddRequest({1, 1, 1, 1}, {1, 1, 1, 1}), &response).ok());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

}  // namespace
}  // namespace strato::grpcfe::testing
