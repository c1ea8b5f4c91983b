// The deployer in process against a real registry (SQLite, files), a real
// model manager in explicit mode and the built-in identity backend.
#include "strato/deploy/deployer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <future>
#include <set>

#include "strato/backend/backend.h"
#include "strato/core/base64.h"

namespace strato::deploy {
namespace {

namespace fs = std::filesystem;

constexpr char kConfig[] = R"(backend: "identity"
max_batch_size: 8
input [ { name: "INPUT0" data_type: TYPE_FP32 dims: [ -1 ] } ]
output [ { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ -1 ] } ]
)";

// Delivers the final response to a future.
class FutureSink : public ResponseSink {
 public:
  void Send(std::unique_ptr<InferenceResponse> response, bool final) override {
    if (final) promise_.set_value(std::move(response));
  }
  std::future<std::unique_ptr<InferenceResponse>> future() { return promise_.get_future(); }

 private:
  std::promise<std::unique_ptr<InferenceResponse>> promise_;
};

class DeployerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("strato-deployer-test-" + std::to_string(getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_ / "repo");
    auto reg = registry::Registry::Open(root_ / "reg");
    ASSERT_TRUE(reg.ok());
    registry_ = std::move(reg).value();
    for (int v = 1; v <= 3; ++v) Push("weights-" + std::to_string(v));
    RegisterBuiltinBackends(&backends_);
    ModelManagerOptions options;
    options.repositories = {(root_ / "repo").string()};
    options.control_mode = ModelControlMode::kExplicit;
    auto manager = CreateModelManager(options, &backends_, &metrics_);
    ASSERT_TRUE(manager.ok());
    manager_ = std::move(manager).value();
    ASSERT_TRUE(manager_->Start().ok());
    DeployerOptions deploy_options;
    deploy_options.repository = root_ / "repo";
    deploy_options.policy.auto_promote = false;
    deploy_options.policy.auto_rollback = false;
    auto deployer = Deployer::Create(deploy_options, registry_.get(), manager_.get(), &metrics_);
    ASSERT_TRUE(deployer.ok());
    deployer_ = std::move(deployer).value();
    ASSERT_TRUE(deployer_->Start().ok());
  }
  void TearDown() override {
    deployer_.reset();
    manager_.reset();
    registry_.reset();
    fs::remove_all(root_);
  }
  void Push(const std::string& weights) {
    const fs::path src = root_ / ("src-" + weights);
    fs::create_directories(src);
    std::ofstream(src / "config.pbtxt") << kConfig;
    std::ofstream(src / "weights.bin") << weights;
    registry::PushRequest request;
    request.model = "m";
    request.source_dir = src;
    ASSERT_TRUE(registry_->Push(request).ok());
  }
  // Sends one request through the routing manager; returns the version that answered.
  int64_t InferVersion(const std::string& user = "") {
    auto got = deployer_->routing_manager()->Get("m", -1);
    EXPECT_TRUE(got.ok()) << got.status().ToString();
    if (!got.ok()) return -1;
    auto request = std::make_unique<InferenceRequest>();
    request->model_name = "m";
    Tensor input("INPUT0", DataType::kFp32, {1, 2});
    input.SetOwned(std::vector<uint8_t>(8, 0));
    request->inputs.push_back(std::move(input));
    if (!user.empty()) request->parameters["user"] = user;
    auto sink = std::make_shared<FutureSink>();
    auto answer = sink->future();
    request->sink = sink;
    const Status queued = (*got)->Infer(request);
    EXPECT_TRUE(queued.ok()) << queued.ToString();
    if (!queued.ok()) return -1;
    auto response = answer.get();
    EXPECT_TRUE(response->status.ok()) << response->status.ToString();
    return response->model_version;
  }

  fs::path root_;
  std::unique_ptr<registry::Registry> registry_;
  BackendRegistry backends_;
  MetricsRegistry metrics_;
  std::unique_ptr<ModelManager> manager_;
  std::unique_ptr<Deployer> deployer_;
};

TEST_F(DeployerTest, PromoteCanaryRollbackRouteAndRecord) {
  ASSERT_TRUE(deployer_->Promote("m", 1, "test", "first").ok());
  EXPECT_EQ(InferVersion(), 1);
  ASSERT_TRUE(deployer_->SetCanary({"m", 2, 1.0, "", "test"}).ok());
  EXPECT_EQ(InferVersion(), 2) << "weight 1: every request on the canary";
  EXPECT_EQ(manager_->ReadyVersions("m").size(), 2u);
  ASSERT_TRUE(deployer_->Promote("m", 0, "test", "").ok());
  EXPECT_EQ(InferVersion(), 2);
  EXPECT_EQ(manager_->ReadyVersions("m").size(), 1u) << "the old production is unloaded";
  EXPECT_FALSE(fs::exists(root_ / "repo" / "m" / "1"));
  ASSERT_TRUE(deployer_->Rollback("m", 1, "test", "bad").ok());
  EXPECT_EQ(InferVersion(), 1);
  auto stage = registry_->Get("m", 2);
  ASSERT_TRUE(stage.ok());
  EXPECT_EQ(stage->stage, registry::Stage::kArchived);
  auto audit = registry_->ListAudit("m", 10);
  ASSERT_TRUE(audit.ok());
  EXPECT_EQ((*audit)[0].action, "rollback");
  EXPECT_NE((*audit)[0].detail.find("\"reason\":\"bad\""), std::string::npos);
}

TEST_F(DeployerTest, StickyKeyPinsCallersAndShadowIsNeverReturned) {
  ASSERT_TRUE(deployer_->Promote("m", 1, "test", "").ok());
  ASSERT_TRUE(deployer_->SetCanary({"m", 2, 0.5, "user", "test"}).ok());
  ASSERT_TRUE(deployer_->SetShadow("m", 3, "test").ok());
  std::set<int64_t> seen;
  for (int u = 0; u < 16; ++u) {
    const std::string user = "user" + std::to_string(u);
    const int64_t first = InferVersion(user);
    EXPECT_NE(first, 3) << "the shadow never answers";
    EXPECT_EQ(InferVersion(user), first) << user;
    seen.insert(first);
  }
  EXPECT_EQ(seen, (std::set<int64_t>{1, 2}));
  auto view = deployer_->Describe("m");
  ASSERT_TRUE(view.ok());
  for (int i = 0; i < 100 && deployer_->Describe("m")->shadow_compared < 32; ++i) usleep(10000);
  view = deployer_->Describe("m");
  EXPECT_EQ(view->shadow_compared, 32);
  EXPECT_EQ(view->shadow_mismatched, 0);
}

TEST_F(DeployerTest, InvalidChangesAreRefusedClearly) {
  EXPECT_EQ(deployer_->SetCanary({"m", 2, 0.1, "", "t"}).code(), StatusCode::kAborted) << "no production yet";
  ASSERT_TRUE(deployer_->Promote("m", 1, "t", "").ok());
  EXPECT_EQ(deployer_->SetCanary({"m", 2, 1.5, "", "t"}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(deployer_->SetCanary({"m", 9, 0.1, "", "t"}).code(), StatusCode::kNotFound);
  EXPECT_EQ(deployer_->Promote("m", 0, "t", "").code(), StatusCode::kAborted) << "no canary";
  EXPECT_EQ(deployer_->Rollback("m", 0, "t", "").code(), StatusCode::kAborted) << "no canary";
  EXPECT_EQ(deployer_->Archive("m", 1, "t").code(), StatusCode::kAborted) << "serves traffic";
  EXPECT_EQ(deployer_->Delete("m", 1, "t").code(), StatusCode::kAborted) << "serves traffic";
  EXPECT_TRUE(deployer_->Archive("m", 3, "t").ok());
  EXPECT_EQ(deployer_->Feedback("m", 3, 1.0).code(), StatusCode::kNotFound) << "not deployed";
  EXPECT_EQ(deployer_->Feedback("m", 1, 2.0).code(), StatusCode::kInvalidArgument);
  auto reply = HandleManagementRequest(deployer_.get(), registry_.get(), "POST", "/v1/deployments/m/canary",
                                       "{\"weight\": 0.2}");
  EXPECT_EQ(reply.status, 400);
  EXPECT_NE(reply.body.find("'version' is required"), std::string::npos) << reply.body;
  EXPECT_EQ(HandleManagementRequest(deployer_.get(), registry_.get(), "GET", "/v1/nothing", "").status, 404);
  EXPECT_EQ(HandleManagementRequest(deployer_.get(), registry_.get(), "PUT", "/v1/deployments/m", "").status, 405);
}

TEST_F(DeployerTest, PushOverTheApiStoresTheSameContentAsTheCli) {
  // Version 1 was pushed from a folder holding config.pbtxt and weights.bin
  // ("weights-1"); the same files as base64 JSON must give the same digest.
  const std::string body = "{\"files\": {\"config.pbtxt\": \"" + EncodeBase64(kConfig) +
                           "\", \"weights.bin\": \"" + EncodeBase64("weights-1") +
                           "\"}, \"labels\": {\"team\": \"risk\"}, \"metrics\": {\"auc\": 0.93},"
                           " \"lineage\": {\"pipeline\": \"train.yaml\"}, \"created_by\": \"ci\"}";
  auto reply = HandleManagementRequest(deployer_.get(), registry_.get(), "POST", "/v1/registry/models/m/versions", body);
  ASSERT_EQ(reply.status, 201) << reply.body;
  auto v1 = registry_->Get("m", 1);
  auto v4 = registry_->Get("m", 4);
  ASSERT_TRUE(v1.ok() && v4.ok());
  EXPECT_EQ(v4->digest, v1->digest);
  EXPECT_EQ(v4->labels.at("team"), "risk");
  EXPECT_DOUBLE_EQ(v4->metrics.at("auc"), 0.93);
  EXPECT_EQ(v4->lineage.pipeline, "train.yaml");
  EXPECT_EQ(v4->created_by, "ci");
  EXPECT_NE(reply.body.find("\"version\":4"), std::string::npos) << reply.body;
  // The scratch folder is gone.
  EXPECT_TRUE(fs::is_empty(root_ / "reg" / "uploads"));

  const std::pair<std::string, std::string> bad[] = {
      {"{}", "'files' is required"},
      {"{\"files\": {}}", "'files' is empty"},
      {"{\"files\": []}", "'files' must be an object"},
      {"{\"files\": {\"../x\": \"YQ==\"}}", "'..'"},
      {"{\"files\": {\"/etc/x\": \"YQ==\"}}", "must be relative"},
      {"{\"files\": {\"a//b\": \"YQ==\"}}", "path segments"},
      {"{\"files\": {\"w.bin\": \"a$$\"}}", "not valid base64"},
      {"{\"files\": {\"w.bin\": 5}}", "must be a base64 string"},
      {"{\"files\": {\"w.bin\": \"YQ==\"}, \"metrics\": {\"auc\": \"high\"}}", "must be a number"},
      {"{\"files\": {\"w.bin\": \"YQ==\"}, \"lineage\": {\"who\": \"me\"}}", "not a lineage field"},
      {"not json", "not valid JSON"},
  };
  for (const auto& [request, expected] : bad) {
    auto r = HandleManagementRequest(deployer_.get(), registry_.get(), "POST", "/v1/registry/models/m/versions", request);
    EXPECT_EQ(r.status, 400) << request;
    EXPECT_NE(r.body.find(expected), std::string::npos) << request << " -> " << r.body;
  }
  auto still = registry_->List("m");
  ASSERT_TRUE(still.ok());
  EXPECT_EQ(still->size(), 4u) << "a refused push stores nothing";
  EXPECT_EQ(HandleManagementRequest(deployer_.get(), registry_.get(), "GET", "/v1/registry/models/m/versions", "").status, 200);
}

}  // namespace
}  // namespace strato::deploy
