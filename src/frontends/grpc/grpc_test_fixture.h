// A gtest fixture that starts the gRPC frontend on a free loopback port in
// front of the FakeManager, with a generated stub as the client.
#pragma once

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <functional>
#include <thread>
#include <string>
#include <vector>

#include "grpc_service.grpc.pb.h"
#include "grpc_test_manager.h"
#include "health.grpc.pb.h"
#include "strato/frontends/grpc_server.h"

namespace strato::grpcfe::testing {

class GrpcFrontendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    GrpcServerOptions options;
    options.address = "127.0.0.1";
    options.port = 0;
    auto server = StartGrpcServer(options, &manager_, info_);
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
    ASSERT_GT(server_->port(), 0);
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(server_->port()),
                                   grpc::InsecureChannelCredentials());
    stub_ = inference::GRPCInferenceService::NewStub(channel_);
    health_ = grpc::health::v1::Health::NewStub(channel_);
  }
  void TearDown() override {
    if (server_) server_->Shutdown();
  }

  template <typename T>
  static std::string Raw(const std::vector<T>& values) {
    std::string s(values.size() * sizeof(T), '\0');
    if (!values.empty()) std::memcpy(s.data(), values.data(), s.size());
    return s;
  }
  template <typename T>
  static std::vector<T> FromRaw(const std::string& raw) {
    std::vector<T> v(raw.size() / sizeof(T));
    if (!v.empty()) std::memcpy(v.data(), raw.data(), v.size() * sizeof(T));
    return v;
  }

  // An "add" request with raw contents, shape [1,4].
  static inference::ModelInferRequest AddRequest(const std::vector<int32_t>& a, const std::vector<int32_t>& b) {
    inference::ModelInferRequest r;
    r.set_model_name("add");
    for (const char* name : {"INPUT0", "INPUT1"}) {
      auto* in = r.add_inputs();
      in->set_name(name);
      in->set_datatype("INT32");
      in->add_shape(1);
      in->add_shape(static_cast<int64_t>(a.size()));
    }
    r.add_raw_input_contents(Raw(a));
    r.add_raw_input_contents(Raw(b));
    return r;
  }

  grpc::Status Infer(const inference::ModelInferRequest& request, inference::ModelInferResponse* response) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return stub_->ModelInfer(&context, request, response);
  }

  FakeManager manager_;
  ServerInfo info_;
  std::unique_ptr<GrpcServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<inference::GRPCInferenceService::Stub> stub_;
  std::unique_ptr<grpc::health::v1::Health::Stub> health_;
};

}  // namespace strato::grpcfe::testing
