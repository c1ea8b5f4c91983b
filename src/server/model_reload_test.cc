// Zero-downtime reload, failed reloads, warmup and request validation through
// the model manager, with real threads and the echo backend.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "strato/server/model_manager.h"
#include "test_echo_backend.h"

namespace strato {
namespace {

using testing::Echo;
using testing::EchoConfig;
using testing::EchoRequest;
using testing::InferSync;
using testing::TempRepo;
using testing::WaitFor;

class ModelReloadTest : public ::testing::Test {
 protected:
  ModelReloadTest() { backends_.Register(std::make_shared<testing::EchoBackend>()); }

  std::unique_ptr<ModelManager> Make(ModelControlMode mode) {
    ModelManagerOptions options;
    options.repositories = {repo_.str()};
    options.control_mode = mode;
    options.repository_poll_secs = 1;
    auto manager = CreateModelManager(options, &backends_, &metrics_);
    EXPECT_TRUE(manager.ok());
    return std::move(manager).value();
  }

  BackendRegistry backends_;
  MetricsRegistry metrics_;
  TempRepo repo_;
};

// Sends requests in a loop on its own thread and counts what came back.
class Client {
 public:
  Client(const ModelManager& m, std::string model) : m_(m), model_(std::move(model)) {
    thread_ = std::thread([this] { Run(); });
  }
  ~Client() { StopAndJoin(); }
  void StopAndJoin() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  int failures() const { return failures_; }
  int64_t last_version() const { return last_version_; }
  int count(int64_t version) const { return counts_[version].load(); }
  std::string first_error() const {
    std::lock_guard<std::mutex> lock(mu_);
    return first_error_;
  }

 private:
  void Run() {
    while (!stop_) {
      auto r = InferSync(m_, model_);
      Status s = r.ok() ? (*r)->status : r.status();
      if (!s.ok()) {
        std::lock_guard<std::mutex> lock(mu_);
        if (failures_++ == 0) first_error_ = s.ToString();
        continue;
      }
      last_version_ = (*r)->model_version;
      if ((*r)->model_version >= 0 && (*r)->model_version < 8) counts_[(*r)->model_version]++;
    }
  }

  const ModelManager& m_;
  const std::string model_;
  std::atomic<bool> stop_{false};
  std::atomic<int> failures_{0};
  std::atomic<int64_t> last_version_{0};
  mutable std::atomic<int> counts_[8] = {};
  mutable std::mutex mu_;
  std::string first_error_;
  std::thread thread_;
};

TEST_F(ModelReloadTest, ZeroDowntimeReloadViaPoll) {
  // A 2 ms execution keeps requests in flight on the old version at the swap.
  repo_.WriteModel("m", EchoConfig("m", "parameters { key: \"delay_ms\" value { string_value: \"2\" } }"), {1});
  auto m = Make(ModelControlMode::kPoll);
  ASSERT_TRUE(m->Start().ok());
  Client client(*m, "m");
  ASSERT_TRUE(WaitFor([&] { return client.count(1) > 20; }));
  repo_.AddVersion("m", 2);
  ASSERT_TRUE(WaitFor([&] { return client.count(2) > 20; }));
  client.StopAndJoin();
  EXPECT_EQ(client.failures(), 0) << client.first_error();
  EXPECT_EQ(client.last_version(), 2);
  EXPECT_GT(client.count(1), 0);
  EXPECT_EQ(m->ReadyVersions("m").size(), 1u);
}

TEST_F(ModelReloadTest, ZeroDowntimeReloadViaLoadSameVersion) {
  repo_.WriteModel("m", EchoConfig("m"), {1});
  auto m = Make(ModelControlMode::kExplicit);
  ASSERT_TRUE(m->Start().ok());
  ASSERT_TRUE(m->Load("m", std::nullopt, {}).ok());
  auto before = *m->Get("m", -1);
  Client client(*m, "m");
  ASSERT_TRUE(WaitFor([&] { return client.count(1) > 20; }));
  // A changed config of the same version: a new object must take over.
  repo_.WriteFile("m/config.pbtxt", EchoConfig("m", "parameters { key: \"x\" value { string_value: \"1\" } }"));
  ASSERT_TRUE(m->Load("m", std::nullopt, {}).ok());
  auto after = *m->Get("m", -1);
  EXPECT_NE(before.get(), after.get());
  EXPECT_EQ(after->config().parameters().count("x"), 1u);
  const int at_swap = client.count(1);
  ASSERT_TRUE(WaitFor([&] { return client.count(1) > at_swap + 20; }));
  // And a new version through the load API.
  repo_.AddVersion("m", 3);
  ASSERT_TRUE(m->Load("m", std::nullopt, {}).ok());
  ASSERT_TRUE(WaitFor([&] { return client.count(3) > 20; }));
  client.StopAndJoin();
  EXPECT_EQ(client.failures(), 0) << client.first_error();
  EXPECT_EQ(client.last_version(), 3);
  before.reset();
  after.reset();
  // Stats of a version reloaded in place survive (one object shared).
  EXPECT_GT((*m->Get("m", -1))->stats().Snapshot().success.count, 0u);
}

TEST_F(ModelReloadTest, UnchangedLoadKeepsTheSameVersionObject) {
  repo_.WriteModel("m", EchoConfig("m"), {1});
  auto m = Make(ModelControlMode::kExplicit);
  ASSERT_TRUE(m->Start().ok());
  ASSERT_TRUE(m->Load("m", std::nullopt, {}).ok());
  auto before = *m->Get("m", -1);
  ASSERT_TRUE(m->Load("m", std::nullopt, {}).ok());
  EXPECT_EQ(before.get(), (*m->Get("m", -1)).get());
}

TEST_F(ModelReloadTest, FailedReloadKeepsOldVersionServing) {
  repo_.WriteModel("m", EchoConfig("m"), {1});
  auto m = Make(ModelControlMode::kExplicit);
  ASSERT_TRUE(m->Start().ok());
  ASSERT_TRUE(m->Load("m", std::nullopt, {}).ok());
  Client client(*m, "m");
  repo_.WriteFile("m/config.pbtxt",
                  EchoConfig("m", "parameters { key: \"fail_load\" value { string_value: \"1\" } }"));
  repo_.AddVersion("m", 2);
  Status s = m->Load("m", std::nullopt, {});
  EXPECT_EQ(s.code(), StatusCode::kInternal);
  EXPECT_NE(s.message().find("echo told to fail"), std::string::npos) << s.message();
  EXPECT_EQ((*m->Get("m", -1))->version(), 1);
  auto index = m->Index(false);
  ASSERT_EQ(index.size(), 2u);
  EXPECT_EQ(index[0].version, "1");
  EXPECT_EQ(index[0].state, "READY");
  EXPECT_EQ(index[1].version, "2");
  EXPECT_EQ(index[1].state, "UNAVAILABLE");
  EXPECT_NE(index[1].reason.find("echo told to fail"), std::string::npos);
  EXPECT_EQ(m->Get("m", 2).status().code(), StatusCode::kUnavailable);
  // A bad config.pbtxt on reload: still serving, error visible.
  repo_.WriteFile("m/config.pbtxt", "name: \"m\"\nbogus: 1\n");
  EXPECT_EQ(m->Load("m", std::nullopt, {}).code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(WaitFor([&] { return client.count(1) > 10; }));
  client.StopAndJoin();
  EXPECT_EQ(client.failures(), 0) << client.first_error();
  index = m->Index(false);
  ASSERT_EQ(index.size(), 2u);
  EXPECT_EQ(index[0].state, "READY");
  EXPECT_NE(index[0].reason.find("config.pbtxt:2:"), std::string::npos) << index[0].reason;
  // Version 2 could not arrive: it is listed as unavailable with the reason.
  EXPECT_EQ(index[1].version, "2");
  EXPECT_EQ(index[1].state, "UNAVAILABLE");
  EXPECT_NE(index[1].reason.find("config.pbtxt:2:"), std::string::npos) << index[1].reason;
  EXPECT_TRUE(m->Ready());
}

TEST_F(ModelReloadTest, WarmupRunsBeforeReady) {
  repo_.WriteFile("m/warmup/in.bin", std::string(8 * 4, '\x01'));
  repo_.WriteModel("m", EchoConfig("m", R"(
model_warmup [
  { name: "zeros" batch_size: 2 count: 3 inputs { key: "IN" value { data_type: TYPE_FP32 dims: [ 4 ] zero_data: true } } },
  { name: "file" inputs { key: "IN" value { data_type: TYPE_FP32 dims: [ 8 ] input_data_file: "in.bin" } } },
  { name: "rand" inputs { key: "IN" value { data_type: TYPE_FP32 dims: [ 2 ] random_data: true } } }
])"), {1});
  auto m = Make(ModelControlMode::kExplicit);
  ASSERT_TRUE(m->Start().ok());
  const int before = Echo().warmup_requests;
  ASSERT_TRUE(m->Load("m", std::nullopt, {}).ok());
  // Load returns only once the version is ready, so warmup already ran.
  EXPECT_EQ(Echo().warmup_requests - before, 5);
}

TEST_F(ModelReloadTest, WarmupFailureFailsTheLoad) {
  repo_.WriteModel("m", EchoConfig("m", R"(
parameters { key: "reject_zeros" value { string_value: "1" } }
model_warmup [ { name: "zeros" inputs { key: "IN" value { data_type: TYPE_FP32 dims: [ 4 ] zero_data: true } } } ])"),
                   {1});
  repo_.WriteModel("f", EchoConfig("f", R"(
model_warmup [ { name: "nofile" inputs { key: "IN" value { data_type: TYPE_FP32 dims: [ 4 ] input_data_file: "missing.bin" } } } ])"),
                   {1});
  auto m = Make(ModelControlMode::kExplicit);
  ASSERT_TRUE(m->Start().ok());
  Status s = m->Load("m", std::nullopt, {});
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("warmup 'zeros'"), std::string::npos) << s.message();
  EXPECT_EQ(m->Get("m", -1).status().code(), StatusCode::kUnavailable);
  s = m->Load("f", std::nullopt, {});
  EXPECT_NE(s.message().find("missing.bin"), std::string::npos) << s.message();
}

TEST_F(ModelReloadTest, InferValidatesRequests) {
  repo_.WriteModel("m", EchoConfig("m"), {1});
  auto m = Make(ModelControlMode::kNone);
  ASSERT_TRUE(m->Start().ok());
  auto version = *m->Get("m", -1);
  auto expect_invalid = [&](std::unique_ptr<InferenceRequest> request, const std::string& text) {
    Status s = version->Infer(request);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << text;
    EXPECT_NE(s.message().find(text), std::string::npos) << s.message();
    EXPECT_NE(request, nullptr);  // left with the caller
  };
  auto big = EchoRequest("m");
  big->inputs[0].set_shape({9, 2});
  big->inputs[0].SetOwned(std::vector<uint8_t>(9 * 2 * 4));
  expect_invalid(std::move(big), "batch size 9 exceeds max_batch_size 8 of model 'm'");
  auto unknown = EchoRequest("m");
  unknown->inputs[0].set_name("NOPE");
  expect_invalid(std::move(unknown), "unknown input 'NOPE'");
  auto missing = EchoRequest("m");
  missing->inputs.clear();
  expect_invalid(std::move(missing), "missing required input 'IN'");
  auto output = EchoRequest("m");
  output->outputs.push_back({"BAD"});
  expect_invalid(std::move(output), "unknown output 'BAD'");
  auto ok = EchoRequest("m");
  ok->model_version = -1;
  auto r = InferSync(*m, "m", -1, std::move(ok));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE((*r)->status.ok());
}

}  // namespace
}  // namespace strato
