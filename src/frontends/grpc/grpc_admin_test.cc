// The non-inference RPCs: health, metadata, configuration, statistics,
// repository, shared memory, and grpc.health.v1.
#include "grpc_inference_service.h"
#include "grpc_test_fixture.h"

namespace strato::grpcfe::testing {
namespace {

using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

class GrpcAdminTest : public GrpcFrontendTest {};

TEST_F(GrpcAdminTest, LiveAndReadyFollowManagerAndDraining) {
  grpc::ClientContext c1, c2, c3;
  inference::ServerLiveResponse live;
  ASSERT_TRUE(stub_->ServerLive(&c1, {}, &live).ok());
  EXPECT_TRUE(live.live());
  inference::ServerReadyResponse ready;
  ASSERT_TRUE(stub_->ServerReady(&c2, {}, &ready).ok());
  EXPECT_TRUE(ready.ready());
  info_.draining->store(true);
  ASSERT_TRUE(stub_->ServerReady(&c3, {}, &ready).ok());
  EXPECT_FALSE(ready.ready());
}

TEST_F(GrpcAdminTest, ModelReady) {
  for (const auto& [name, expected] : std::vector<std::pair<std::string, bool>>{
           {"add", true}, {"echo", true}, {"broken", false}, {"nope", false}}) {
    grpc::ClientContext c;
    inference::ModelReadyRequest request;
    request.set_name(name);
    inference::ModelReadyResponse response;
    ASSERT_TRUE(stub_->ModelReady(&c, request, &response).ok());
    EXPECT_EQ(response.ready(), expected) << name;
  }
}

TEST_F(GrpcAdminTest, ServerMetadata) {
  grpc::ClientContext c;
  inference::ServerMetadataResponse response;
  ASSERT_TRUE(stub_->ServerMetadata(&c, {}, &response).ok());
  EXPECT_EQ(response.name(), "strato");
  EXPECT_EQ(response.version(), info_.version);
  EXPECT_EQ(response.extensions_size(), static_cast<int>(info_.extensions.size()));
}

TEST_F(GrpcAdminTest, ModelMetadataAddsBatchDimension) {
  grpc::ClientContext c;
  inference::ModelMetadataRequest request;
  request.set_name("add");
  inference::ModelMetadataResponse response;
  ASSERT_TRUE(stub_->ModelMetadata(&c, request, &response).ok());
  EXPECT_EQ(response.name(), "add");
  ASSERT_EQ(response.versions_size(), 1);
  EXPECT_EQ(response.versions(0), "1");
  EXPECT_EQ(response.platform(), "add_sub");
  ASSERT_EQ(response.inputs_size(), 2);
  EXPECT_EQ(response.inputs(0).name(), "INPUT0");
  EXPECT_EQ(response.inputs(0).datatype(), "INT32");
  EXPECT_EQ(std::vector<int64_t>(response.inputs(0).shape().begin(), response.inputs(0).shape().end()),
            (std::vector<int64_t>{-1, 4}));
  ASSERT_EQ(response.outputs_size(), 2);
  EXPECT_EQ(response.outputs(1).name(), "OUTPUT1");

  grpc::ClientContext c2;
  request.set_name("echo");
  ASSERT_TRUE(stub_->ModelMetadata(&c2, request, &response).ok());
  EXPECT_EQ(response.inputs(0).datatype(), "FP32");
  EXPECT_EQ(response.inputs(0).shape_size(), 1);  // unbatched: no -1 prepended

  grpc::ClientContext c3;
  request.set_name("nope");
  EXPECT_EQ(stub_->ModelMetadata(&c3, request, &response).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(GrpcAdminTest, ModelConfig) {
  grpc::ClientContext c;
  inference::ModelConfigRequest request;
  request.set_name("add");
  inference::ModelConfigResponse response;
  ASSERT_TRUE(stub_->ModelConfig(&c, request, &response).ok());
  EXPECT_EQ(response.config().name(), "add");
  EXPECT_EQ(response.config().max_batch_size(), 8);
  grpc::ClientContext c2;
  request.set_name("broken");
  EXPECT_EQ(stub_->ModelConfig(&c2, request, &response).error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(GrpcAdminTest, Statistics) {
  inference::ModelInferResponse infer;
  ASSERT_TRUE(Infer(AddRequest({1, 2, 3, 4}, {1, 2, 3, 4}), &infer).ok());
  grpc::ClientContext c;
  inference::ModelStatisticsRequest request;
  request.set_name("add");
  inference::ModelStatisticsResponse response;
  ASSERT_TRUE(stub_->ModelStatistics(&c, request, &response).ok());
  ASSERT_EQ(response.model_stats_size(), 1);
  const auto& s = response.model_stats(0);
  EXPECT_EQ(s.name(), "add");
  EXPECT_EQ(s.version(), "1");
  EXPECT_EQ(s.inference_count(), 1u);
  EXPECT_EQ(s.execution_count(), 1u);
  EXPECT_EQ(s.inference_stats().success().count(), 1u);
  ASSERT_EQ(s.batch_stats_size(), 1);
  EXPECT_EQ(s.batch_stats(0).batch_size(), 1u);

  grpc::ClientContext c2;
  ASSERT_TRUE(stub_->ModelStatistics(&c2, {}, &response).ok());
  EXPECT_EQ(response.model_stats_size(), 2);  // every ready model

  grpc::ClientContext c3;
  request.set_name("nope");
  EXPECT_EQ(stub_->ModelStatistics(&c3, request, &response).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(GrpcAdminTest, RepositoryIndexUnloadLoad) {
  grpc::ClientContext c;
  inference::RepositoryIndexResponse index;
  ASSERT_TRUE(stub_->RepositoryIndex(&c, {}, &index).ok());
  ASSERT_EQ(index.models_size(), 3);
  EXPECT_EQ(index.models(1).name(), "broken");
  EXPECT_EQ(index.models(1).state(), "UNAVAILABLE");
  EXPECT_EQ(index.models(1).reason(), "load failed");

  grpc::ClientContext c2;
  inference::RepositoryModelUnloadRequest unload;
  unload.set_model_name("echo");
  inference::RepositoryModelUnloadResponse unloaded;
  ASSERT_TRUE(stub_->RepositoryModelUnload(&c2, unload, &unloaded).ok());

  grpc::ClientContext c3;
  inference::RepositoryIndexRequest ready_only;
  ready_only.set_ready(true);
  ASSERT_TRUE(stub_->RepositoryIndex(&c3, ready_only, &index).ok());
  ASSERT_EQ(index.models_size(), 1);
  EXPECT_EQ(index.models(0).name(), "add");

  grpc::ClientContext c4;
  EXPECT_EQ(stub_->RepositoryModelUnload(&c4, unload, &unloaded).error_code(), grpc::StatusCode::NOT_FOUND);

  grpc::ClientContext c5;
  inference::RepositoryModelLoadRequest load;
  load.set_model_name("echo");
  (*load.mutable_parameters())["config"].set_string_param(R"({"backend":"echo"})");
  (*load.mutable_parameters())["file:1/model.bin"].set_bytes_param(std::string("\0\1\2", 3));
  inference::RepositoryModelLoadResponse loaded;
  ASSERT_TRUE(stub_->RepositoryModelLoad(&c5, load, &loaded).ok());
  EXPECT_EQ(manager_.last_config.value_or(""), R"({"backend":"echo"})");
  EXPECT_EQ(manager_.last_files.at("file:1/model.bin"), std::string("\0\1\2", 3));

  grpc::ClientContext c6;
  load.mutable_parameters()->erase("config");
  grpc::Status s = stub_->RepositoryModelLoad(&c6, load, &loaded);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("'config' is required"), std::string::npos);

  grpc::ClientContext c7;
  load.Clear();
  load.set_model_name("nope");
  EXPECT_EQ(stub_->RepositoryModelLoad(&c7, load, &loaded).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(GrpcAdminTest, SharedMemoryIsUnimplemented) {
  std::vector<grpc::Status> results;
  {
    grpc::ClientContext c;
    inference::SystemSharedMemoryStatusResponse r;
    results.push_back(stub_->SystemSharedMemoryStatus(&c, {}, &r));
  }
  {
    grpc::ClientContext c;
    inference::SystemSharedMemoryRegisterResponse r;
    results.push_back(stub_->SystemSharedMemoryRegister(&c, {}, &r));
  }
  {
    grpc::ClientContext c;
    inference::SystemSharedMemoryUnregisterResponse r;
    results.push_back(stub_->SystemSharedMemoryUnregister(&c, {}, &r));
  }
  {
    grpc::ClientContext c;
    inference::CudaSharedMemoryStatusResponse r;
    results.push_back(stub_->CudaSharedMemoryStatus(&c, {}, &r));
  }
  {
    grpc::ClientContext c;
    inference::CudaSharedMemoryRegisterResponse r;
    results.push_back(stub_->CudaSharedMemoryRegister(&c, {}, &r));
  }
  {
    grpc::ClientContext c;
    inference::CudaSharedMemoryUnregisterResponse r;
    results.push_back(stub_->CudaSharedMemoryUnregister(&c, {}, &r));
  }
  for (const grpc::Status& s : results) {
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNIMPLEMENTED);
    EXPECT_EQ(s.error_message(), kSharedMemoryUnsupported);
  }
}

TEST_F(GrpcAdminTest, HealthCheck) {
  auto check = [&](const std::string& service, HealthCheckResponse* response) {
    grpc::ClientContext c;
    HealthCheckRequest request;
    request.set_service(service);
    return health_->Check(&c, request, response);
  };
  HealthCheckResponse r;
  ASSERT_TRUE(check("", &r).ok());
  EXPECT_EQ(r.status(), HealthCheckResponse::SERVING);
  ASSERT_TRUE(check("add", &r).ok());
  EXPECT_EQ(r.status(), HealthCheckResponse::SERVING);
  ASSERT_TRUE(check("broken", &r).ok());
  EXPECT_EQ(r.status(), HealthCheckResponse::NOT_SERVING);
  EXPECT_EQ(check("nope", &r).error_code(), grpc::StatusCode::NOT_FOUND);
  manager_.ready_flag = false;
  ASSERT_TRUE(check("", &r).ok());
  EXPECT_EQ(r.status(), HealthCheckResponse::NOT_SERVING);
}

TEST_F(GrpcAdminTest, HealthWatchSeesDrainAndShutdownEndsIt) {
  grpc::ClientContext c;
  HealthCheckRequest request;
  auto reader = health_->Watch(&c, request);
  HealthCheckResponse r;
  ASSERT_TRUE(reader->Read(&r));
  EXPECT_EQ(r.status(), HealthCheckResponse::SERVING);
  info_.draining->store(true);
  ASSERT_TRUE(reader->Read(&r));  // the poller notices within ~200 ms
  EXPECT_EQ(r.status(), HealthCheckResponse::NOT_SERVING);
  const auto start = std::chrono::steady_clock::now();
  server_->Shutdown();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  EXPECT_FALSE(reader->Read(&r));
  reader->Finish();
}

TEST(GrpcServerStartTest, PortInUseIsUnavailable) {
  FakeManager manager;
  ServerInfo info;
  GrpcServerOptions options;
  options.address = "127.0.0.1";
  options.port = 0;
  auto first = StartGrpcServer(options, &manager, info);
  ASSERT_TRUE(first.ok());
  options.port = (*first)->port();
  auto second = StartGrpcServer(options, &manager, info);
  EXPECT_EQ(second.status().code(), StatusCode::kUnavailable) << second.status().ToString();
  options.port = 70000;
  EXPECT_EQ(StartGrpcServer(options, &manager, info).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace strato::grpcfe::testing
