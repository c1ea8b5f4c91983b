// Registry against real files and a real SQLite database in a temp folder.
#include "strato/registry/registry.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iterator>

namespace strato::registry {
namespace {

namespace fs = std::filesystem;

void WriteFile(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

class RegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("strato-registry-test-" + std::to_string(getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    source_ = root_ / "src";
    WriteFile(source_ / "config.pbtxt", "backend: \"identity\"\n");
    WriteFile(source_ / "model.bin", "weights-v1");
    WriteFile(source_ / "sub" / "vocab.txt", "a b c");
    auto r = Registry::Open(root_ / "reg");
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    registry_ = std::move(r).value();
  }
  void TearDown() override {
    registry_.reset();
    fs::remove_all(root_);
  }
  VersionRecord Push(const std::string& model = "m") {
    PushRequest request;
    request.model = model;
    request.source_dir = source_;
    request.metrics = {{"auc", 0.91}};
    request.labels = {{"team", "fraud"}};
    request.lineage.data_hash = "abc";
    request.created_by = "tester";
    auto pushed = registry_->Push(request);
    EXPECT_TRUE(pushed.ok()) << pushed.status().ToString();
    return pushed.ok() ? *pushed : VersionRecord{};
  }

  fs::path root_, source_;
  std::unique_ptr<Registry> registry_;
};

TEST_F(RegistryTest, PushNumbersVersionsAndStoresMetadata) {
  const VersionRecord v1 = Push();
  EXPECT_EQ(v1.version, 1);
  EXPECT_EQ(v1.config, "backend: \"identity\"\n");
  ASSERT_EQ(v1.files.size(), 2u);
  EXPECT_EQ(v1.files[0].path, "model.bin");
  EXPECT_EQ(v1.files[1].path, "sub/vocab.txt");
  EXPECT_EQ(v1.files[0].sha256, Sha256Hex("weights-v1"));
  WriteFile(source_ / "model.bin", "weights-v2");
  const VersionRecord v2 = Push();
  EXPECT_EQ(v2.version, 2);
  EXPECT_NE(v1.digest, v2.digest);
  auto got = registry_->Get("m", 1);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->digest, v1.digest);
  EXPECT_EQ(got->metrics.at("auc"), 0.91);
  EXPECT_EQ(got->labels.at("team"), "fraud");
  EXPECT_EQ(got->lineage.data_hash, "abc");
  EXPECT_EQ(got->stage, Stage::kStaging);
}

TEST_F(RegistryTest, VersionsSurviveReopen) {
  const VersionRecord v1 = Push();
  registry_.reset();
  auto reopened = Registry::Open(root_ / "reg");
  ASSERT_TRUE(reopened.ok());
  auto got = (*reopened)->Get("m", 1);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->digest, v1.digest);
  EXPECT_TRUE((*reopened)->Verify(*got).ok());
}

TEST_F(RegistryTest, ContentIsImmutableAfterSourceChanges) {
  const VersionRecord v1 = Push();
  WriteFile(source_ / "model.bin", "tampered");
  const fs::path out = root_ / "repo" / "m" / "1";
  fs::create_directories(out.parent_path());
  ASSERT_TRUE(registry_->Materialize(v1, out).ok());
  EXPECT_EQ(ReadFile(out / "model.bin"), "weights-v1");
  EXPECT_EQ(ReadFile(out / "sub" / "vocab.txt"), "a b c");
}

TEST_F(RegistryTest, CorruptBlobIsRefused) {
  const VersionRecord v1 = Push();
  WriteFile(root_ / "reg" / "blobs" / "sha256" / v1.files[0].sha256, "bit rot");
  Status verified = registry_->Verify(v1);
  EXPECT_FALSE(verified.ok());
  EXPECT_NE(verified.message().find("is corrupt"), std::string::npos) << verified.message();
  const fs::path out = root_ / "repo" / "m" / "1";
  fs::create_directories(out.parent_path());
  Status materialized = registry_->Materialize(v1, out);
  EXPECT_FALSE(materialized.ok());
  EXPECT_NE(materialized.message().find("model.bin"), std::string::npos);
  EXPECT_FALSE(fs::exists(out)) << "a corrupt version must leave nothing in the repository";
}

TEST_F(RegistryTest, BadInputGetsClearErrors) {
  PushRequest request;
  request.model = "bad name!";
  request.source_dir = source_;
  EXPECT_EQ(registry_->Push(request).status().code(), StatusCode::kInvalidArgument);
  request.model = "ok";
  request.source_dir = root_ / "missing";
  EXPECT_EQ(registry_->Push(request).status().code(), StatusCode::kInvalidArgument);
  fs::create_directories(root_ / "empty");
  request.source_dir = root_ / "empty";
  EXPECT_EQ(registry_->Push(request).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(registry_->Get("nope", 1).status().code(), StatusCode::kNotFound);
  Push();
  auto missing = registry_->Get("m", 7);
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("newest is 1"), std::string::npos);
  EXPECT_FALSE(ParseStage("prod").ok());
}

TEST_F(RegistryTest, DeletingADeployedVersionConflicts) {
  Push();
  Push();
  DeploymentRecord d;
  d.model = "m";
  d.production = 1;
  ASSERT_TRUE(registry_->PutDeployment(d, 0).ok());
  Status refused = registry_->Delete("m", 1);
  EXPECT_EQ(refused.code(), StatusCode::kAborted);
  EXPECT_EQ(HttpStatusFor(refused), 409);
  EXPECT_TRUE(registry_->Delete("m", 2).ok());
  EXPECT_EQ(registry_->Get("m", 2).status().code(), StatusCode::kNotFound);
  auto removed = registry_->CollectGarbage();
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, 0) << "v1 still references every blob";
}

TEST_F(RegistryTest, GarbageCollectionSparesYoungBlobsAndRemovesOldOrphans) {
  Push();
  WriteFile(source_ / "model.bin", "weights-v2");
  Push();
  ASSERT_TRUE(registry_->Delete("m", 2).ok());
  const fs::path orphan = root_ / "reg" / "blobs" / "sha256" / Sha256Hex("weights-v2");
  ASSERT_TRUE(fs::exists(orphan));
  auto removed = registry_->CollectGarbage();
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, 0) << "a young blob may belong to a push in progress";
  fs::last_write_time(orphan, fs::file_time_type::clock::now() - std::chrono::hours(1));
  removed = registry_->CollectGarbage();
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, 1);
  EXPECT_FALSE(fs::exists(orphan));
  EXPECT_TRUE(registry_->Verify(*registry_->Get("m", 1)).ok());
}

TEST_F(RegistryTest, StaleDeploymentWriteConflicts) {
  DeploymentRecord d;
  d.model = "m";
  d.production = 1;
  ASSERT_TRUE(registry_->PutDeployment(d, 0).ok());
  d.canary = 2;
  EXPECT_EQ(registry_->PutDeployment(d, 0).code(), StatusCode::kAborted);
  ASSERT_TRUE(registry_->PutDeployment(d, 1).ok());
  auto stored = registry_->GetDeployment("m");
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->canary, 2);
  EXPECT_EQ((*stored)->generation, 2);
}

TEST_F(RegistryTest, AuditLogKeepsDecisionsNewestFirst) {
  Push();
  ASSERT_TRUE(registry_->AppendAudit({0, 0, "m", "promote", "policy", "{\"to\":2}"}).ok());
  auto log = registry_->ListAudit("m", 10);
  ASSERT_TRUE(log.ok());
  ASSERT_EQ(log->size(), 2u);
  EXPECT_EQ((*log)[0].action, "promote");
  EXPECT_EQ((*log)[1].action, "push");
}

TEST_F(RegistryTest, TritonModelFolderStoresTheVersionFoldersContents) {
  const fs::path triton = root_ / "triton";
  WriteFile(triton / "config.pbtxt", "backend: \"identity\"\n");
  WriteFile(triton / "1" / "model.bin", "weights");
  PushRequest request;
  request.model = "m";
  request.source_dir = triton;
  auto pushed = registry_->Push(request);
  ASSERT_TRUE(pushed.ok()) << pushed.status().ToString();
  ASSERT_EQ(pushed->files.size(), 1u);
  EXPECT_EQ(pushed->files[0].path, "model.bin");
  EXPECT_EQ(pushed->config, "backend: \"identity\"\n");
  WriteFile(triton / "2" / "model.bin", "weights 2");
  auto refused = registry_->Push(request);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("several versions (1/, 2/)"), std::string::npos)
      << refused.status().message();
}

TEST_F(RegistryTest, LineageParentMustExist) {
  Push();
  PushRequest request;
  request.model = "m";
  request.source_dir = source_;
  for (const char* bad : {"nosuch:99", "m:7", "m:x"}) {
    request.lineage.parent = bad;
    auto pushed = registry_->Push(request);
    ASSERT_FALSE(pushed.ok()) << bad;
    EXPECT_NE(pushed.status().message().find(bad), std::string::npos) << pushed.status().message();
  }
  request.lineage.parent = "m:1";
  EXPECT_TRUE(registry_->Push(request).ok());
  request.lineage.parent = "1";
  EXPECT_TRUE(registry_->Push(request).ok());
}

}  // namespace
}  // namespace strato::registry
