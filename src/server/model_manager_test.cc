// Model manager integration tests: real folders under /tmp, the real
// scheduler, real threads, and the echo backend from test_echo_backend.h.
#include <gtest/gtest.h>

#include "strato/server/model_manager.h"
#include "test_echo_backend.h"

namespace strato {
namespace {

using testing::EchoConfig;
using testing::InferSync;
using testing::TempRepo;
using testing::WaitFor;

class ModelManagerTest : public ::testing::Test {
 protected:
  ModelManagerTest() { backends_.Register(std::make_shared<testing::EchoBackend>(), {"echo_alias"}); }

  std::unique_ptr<ModelManager> Make(ModelControlMode mode, std::vector<std::string> startup = {},
                                     std::vector<std::string> repos = {}) {
    ModelManagerOptions options;
    options.repositories = repos.empty() ? std::vector<std::string>{repo_.str()} : repos;
    options.control_mode = mode;
    options.repository_poll_secs = 1;
    options.startup_models = std::move(startup);
    auto manager = CreateModelManager(options, &backends_, &metrics_);
    EXPECT_TRUE(manager.ok()) << manager.status().ToString();
    return std::move(manager).value();
  }

  static std::string ReasonOf(const ModelManager& m, const std::string& name, const std::string& version) {
    for (const auto& e : m.Index(false)) {
      if (e.name == name && e.version == version) return e.state + ": " + e.reason;
    }
    return "<no entry>";
  }

  BackendRegistry backends_;
  MetricsRegistry metrics_;
  TempRepo repo_;
};

TEST_F(ModelManagerTest, ScanFindsAndLoadsEveryModel) {
  repo_.WriteModel("a", EchoConfig("a"), {1});
  repo_.WriteModel("b", EchoConfig(""), {3});  // empty name is filled in
  repo_.WriteFile(".hidden/config.pbtxt", "junk");
  auto m = Make(ModelControlMode::kNone);
  ASSERT_TRUE(m->Start().ok());
  EXPECT_TRUE(m->Ready());
  auto index = m->Index(true);
  ASSERT_EQ(index.size(), 2u);
  EXPECT_EQ(index[0].name, "a");
  EXPECT_EQ(index[1].name, "b");
  EXPECT_EQ(index[1].version, "3");
  auto r = InferSync(*m, "b");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE((*r)->status.ok());
  EXPECT_EQ((*r)->model_version, 3);
  ASSERT_EQ((*r)->outputs.size(), 1u);
  EXPECT_EQ((*r)->outputs[0].byte_size(), 8u);
  EXPECT_EQ(m->AllReadyVersions().size(), 2u);
}

TEST_F(ModelManagerTest, MissingRepositoryFailsStart) {
  auto m = Make(ModelControlMode::kNone, {}, {"/tmp/definitely/not/here"});
  EXPECT_EQ(m->Start().code(), StatusCode::kNotFound);
}

TEST_F(ModelManagerTest, VersionPolicies) {
  repo_.WriteModel("latest1", EchoConfig("latest1"), {1, 2, 10});
  repo_.WriteModel("latest2", EchoConfig("latest2", "version_policy { latest { num_versions: 2 } }"), {1, 2, 10});
  repo_.WriteModel("all", EchoConfig("all", "version_policy { all {} }"), {1, 2});
  repo_.WriteModel("specific", EchoConfig("specific", "version_policy { specific { versions: [1, 7] } }"), {1, 2});
  auto m = Make(ModelControlMode::kNone);
  ASSERT_TRUE(m->Start().ok());
  auto versions = [&](const std::string& name) {
    std::vector<int64_t> out;
    for (const auto& v : m->ReadyVersions(name)) out.push_back(v->version());
    return out;
  };
  EXPECT_EQ(versions("latest1"), (std::vector<int64_t>{10}));
  EXPECT_EQ(versions("latest2"), (std::vector<int64_t>{2, 10}));
  EXPECT_EQ(versions("all"), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(versions("specific"), (std::vector<int64_t>{1}));
  EXPECT_EQ(ReasonOf(*m, "specific", "7"), "UNAVAILABLE: version folder 7 not found");
  EXPECT_EQ((*m->Get("latest2", -1))->version(), 10);
  EXPECT_EQ((*m->Get("latest2", 2))->version(), 2);
}

TEST_F(ModelManagerTest, GetErrors) {
  repo_.WriteModel("m", EchoConfig("m"), {1, 2});
  auto m = Make(ModelControlMode::kNone);
  ASSERT_TRUE(m->Start().ok());
  auto unknown = m->Get("x", -1);
  EXPECT_EQ(unknown.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(unknown.status().message(), "unknown model 'x'");
  auto version = m->Get("m", 9);
  EXPECT_EQ(version.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(version.status().message(), "unknown version 9 of model 'm'");
  // Version 1 is on disk but the default policy serves only 2.
  EXPECT_EQ(m->Get("m", 1).status().code(), StatusCode::kUnavailable);
}

TEST_F(ModelManagerTest, ExplicitLoadAndUnload) {
  repo_.WriteModel("m", EchoConfig("m"), {1});
  auto m = Make(ModelControlMode::kExplicit);
  ASSERT_TRUE(m->Start().ok());
  EXPECT_EQ(ReasonOf(*m, "m", ""), "UNAVAILABLE: not loaded");
  EXPECT_EQ(m->Get("m", -1).status().code(), StatusCode::kUnavailable);
  ASSERT_TRUE(m->Load("m", std::nullopt, {}).ok());
  EXPECT_TRUE(InferSync(*m, "m").ok());
  EXPECT_TRUE(m->Ready());
  ASSERT_TRUE(m->Unload("m").ok());
  EXPECT_EQ(m->Get("m", -1).status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(ReasonOf(*m, "m", "1"), "UNAVAILABLE: unloaded");
  EXPECT_EQ(m->Unload("m").code(), StatusCode::kNotFound);
  EXPECT_EQ(m->Load("nope", std::nullopt, {}).code(), StatusCode::kNotFound);
  EXPECT_TRUE(m->Ready());  // nothing asked to load is missing
}

TEST_F(ModelManagerTest, ExplicitStartupModelsStar) {
  repo_.WriteModel("a", EchoConfig("a"), {1});
  repo_.WriteModel("b", EchoConfig("b"), {1});
  auto m = Make(ModelControlMode::kExplicit, {"*"});
  ASSERT_TRUE(m->Start().ok());
  EXPECT_EQ(m->Index(true).size(), 2u);
  auto none = Make(ModelControlMode::kNone);
  EXPECT_EQ(none->Load("a", std::nullopt, {}).code(), StatusCode::kFailedPrecondition);
}

TEST_F(ModelManagerTest, BadConfigShowsFileLineAndFieldInIndex) {
  repo_.WriteModel("bad", "name: \"bad\"\nbackend: \"echo\"\nmax_batchsize: 4\n", {1});
  auto m = Make(ModelControlMode::kNone);
  ASSERT_TRUE(m->Start().ok());
  EXPECT_FALSE(m->Ready());
  const std::string reason = ReasonOf(*m, "bad", "");
  EXPECT_NE(reason.find("bad/config.pbtxt:3:"), std::string::npos) << reason;
  EXPECT_NE(reason.find("max_batchsize"), std::string::npos) << reason;
  EXPECT_EQ(m->Get("bad", -1).status().code(), StatusCode::kUnavailable);
}

TEST_F(ModelManagerTest, ConfigErrorsAreReported) {
  repo_.WriteModel("nobackend", "name: \"nobackend\"\nbackend: \"tensorflow\"\n", {1});
  repo_.WriteModel("mismatch", EchoConfig("other"), {1});
  repo_.WriteModel("invalid", EchoConfig("invalid", "dynamic_batching { preferred_batch_size: 99 }"), {1});
  repo_.WriteModel("noversion", EchoConfig("noversion"), {});
  repo_.WriteModel("platform", "platform: \"echo_alias\"\n", {1});  // auto-completed tensors
  auto m = Make(ModelControlMode::kNone);
  ASSERT_TRUE(m->Start().ok());
  EXPECT_NE(ReasonOf(*m, "nobackend", "").find("unknown backend 'tensorflow'; known backends: echo, echo_alias"),
            std::string::npos) << ReasonOf(*m, "nobackend", "");
  EXPECT_NE(ReasonOf(*m, "mismatch", "").find("field name"), std::string::npos);
  EXPECT_NE(ReasonOf(*m, "invalid", "").find("field dynamic_batching.preferred_batch_size"),
            std::string::npos) << ReasonOf(*m, "invalid", "");
  EXPECT_NE(ReasonOf(*m, "noversion", "").find("no version folder"), std::string::npos);
  EXPECT_EQ(ReasonOf(*m, "platform", "1"), "READY: ");
  EXPECT_EQ((*m->Get("platform", -1))->config().input(0).name(), "IN");
}

TEST_F(ModelManagerTest, DuplicateAcrossRepositoriesIsUnavailable) {
  TempRepo other;
  repo_.WriteModel("dup", EchoConfig("dup"), {1});
  other.WriteModel("dup", EchoConfig("dup"), {1});
  other.WriteModel("solo", EchoConfig("solo"), {1});
  auto m = Make(ModelControlMode::kNone, {}, {repo_.str(), other.str()});
  ASSERT_TRUE(m->Start().ok());
  EXPECT_NE(ReasonOf(*m, "dup", "").find("several repositories"), std::string::npos)
      << ReasonOf(*m, "dup", "");
  EXPECT_EQ(m->Get("dup", -1).status().code(), StatusCode::kUnavailable);
  EXPECT_TRUE(InferSync(*m, "solo").ok());
}

TEST_F(ModelManagerTest, PollPicksUpNewVersionNewModelAndRemoval) {
  repo_.WriteModel("m", EchoConfig("m"), {1});
  auto m = Make(ModelControlMode::kPoll);
  ASSERT_TRUE(m->Start().ok());
  repo_.AddVersion("m", 2);
  repo_.WriteModel("n", EchoConfig("n"), {1});
  EXPECT_TRUE(WaitFor([&] {
    auto v = m->Get("m", -1);
    return v.ok() && (*v)->version() == 2 && m->Get("n", -1).ok();
  }));
  EXPECT_EQ(m->ReadyVersions("m").size(), 1u);
  std::filesystem::remove_all(repo_.path() / "n");
  EXPECT_TRUE(WaitFor([&] { return m->Get("n", -1).status().code() == StatusCode::kNotFound; }));
  m->Stop();
  EXPECT_FALSE(m->Ready());
}

TEST_F(ModelManagerTest, LoadWithConfigJsonAndFiles) {
  auto m = Make(ModelControlMode::kExplicit);
  ASSERT_TRUE(m->Start().ok());
  const std::string json =
      R"({"name":"j","backend":"echo","max_batch_size":4,)"
      R"("input":[{"name":"IN","data_type":"TYPE_FP32","dims":["-1"]}],)"
      R"("output":[{"name":"OUT","data_type":"TYPE_FP32","dims":["-1"]}]})";
  ASSERT_TRUE(m->Load("j", json, {{"file:5/model.txt", "x"}}).ok());
  EXPECT_EQ((*m->Get("j", -1))->version(), 5);
  EXPECT_EQ((*m->Get("j", -1))->config().max_batch_size(), 4);
  EXPECT_EQ(m->Load("j", json, {{"5/model.txt", "x"}}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(m->Load("j", json, {{"file:../evil", "x"}}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(m->Load("j", std::string("{bad"), {{"file:1/a", "x"}}).code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(InferSync(*m, "j").ok());  // failed reloads left it serving
}

}  // namespace
}  // namespace strato
