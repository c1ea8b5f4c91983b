#include "strato/fetch/model_installer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "strato/config/model_config.h"

namespace strato::fetch {
namespace {
namespace fs = std::filesystem;

class ModelInstallerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    repo_ = fs::temp_directory_path() /
            ("strato_install_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(repo_);
  }
  void TearDown() override { fs::remove_all(repo_); }

  // Prepares a pull and writes `content` as its complete download.
  PullTarget Downloaded(const std::string& model, const std::string& content) {
    auto target = PreparePull(repo_, model, "http://127.0.0.1:1/x/stories.gguf", "stories.gguf");
    EXPECT_TRUE(target.ok()) << target.status().ToString();
    std::ofstream(target->partial_path, std::ios::binary) << content;
    return *target;
  }

  static std::string Read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  fs::path repo_;
};

TEST_F(ModelInstallerTest, NewModelGetsVersionOneAndAValidConfig) {
  const PullTarget target = Downloaded("stories", "GGUF-bytes");
  EXPECT_EQ(target.file_name, "model.gguf");
  auto installed = InstallVersion(target);
  ASSERT_TRUE(installed.ok()) << installed.status().ToString();
  EXPECT_EQ(installed->version, 1);
  EXPECT_TRUE(installed->wrote_config);
  EXPECT_EQ(Read(repo_ / "stories" / "1" / "model.gguf"), "GGUF-bytes");
  auto config = ReadModelConfigFile(repo_ / "stories" / "config.pbtxt");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->name(), "stories");
  EXPECT_EQ(config->backend(), "llamacpp");
  EXPECT_EQ(config->default_model_filename(), "model.gguf");
  EXPECT_TRUE(ValidateModelConfig(*config, "config.pbtxt").ok());
  // The staging area is gone: nothing hidden left behind.
  EXPECT_FALSE(fs::exists(repo_ / ".strato-pull"));
}

TEST_F(ModelInstallerTest, ExistingModelGetsMaxPlusOneAndKeepsItsConfig) {
  fs::create_directories(repo_ / "m" / "3");
  fs::create_directories(repo_ / "m" / "7");
  fs::create_directories(repo_ / "m" / "notes");
  std::ofstream(repo_ / "m" / "config.pbtxt")
      << "name: \"m\"\nbackend: \"llamacpp\"\ndefault_model_filename: \"weights.gguf\"\n";
  const std::string before = Read(repo_ / "m" / "config.pbtxt");
  const PullTarget target = Downloaded("m", "v8");
  EXPECT_EQ(target.file_name, "weights.gguf");  // the config says what the backend opens
  auto installed = InstallVersion(target);
  ASSERT_TRUE(installed.ok()) << installed.status().ToString();
  EXPECT_EQ(installed->version, 8);
  EXPECT_FALSE(installed->wrote_config);
  EXPECT_EQ(Read(repo_ / "m" / "8" / "weights.gguf"), "v8");
  EXPECT_EQ(Read(repo_ / "m" / "config.pbtxt"), before);
  EXPECT_EQ(HighestVersion(repo_ / "m"), 8);
}

TEST_F(ModelInstallerTest, ExistingModelWithoutConfigGetsOne) {
  fs::create_directories(repo_ / "bare" / "1");
  auto installed = InstallVersion(Downloaded("bare", "x"));
  ASSERT_TRUE(installed.ok()) << installed.status().ToString();
  EXPECT_EQ(installed->version, 2);
  EXPECT_TRUE(installed->wrote_config);
  EXPECT_TRUE(fs::exists(repo_ / "bare" / "config.pbtxt"));
  EXPECT_FALSE(fs::exists(repo_ / "bare" / ".config.pbtxt.strato-pull"));
}

TEST_F(ModelInstallerTest, SecondLockOnTheSamePullIsRefused) {
  const PullTarget target = Downloaded("locked", "x");
  auto first = LockPull(target);
  ASSERT_TRUE(first.ok());
  auto second = LockPull(target);
  EXPECT_EQ(second.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(second.status().message().find("another"), std::string::npos);
}

TEST_F(ModelInstallerTest, ConfigFileNameWithSlashIsIgnored) {
  fs::create_directories(repo_ / "sneaky");
  std::ofstream(repo_ / "sneaky" / "config.pbtxt")
      << "name: \"sneaky\"\nbackend: \"llamacpp\"\ndefault_model_filename: \"../../x.gguf\"\n";
  auto target = PreparePull(repo_, "sneaky", "http://h/f.gguf", "f.gguf");
  ASSERT_TRUE(target.ok());
  EXPECT_EQ(target->file_name, "model.gguf");
}

TEST_F(ModelInstallerTest, BadModelNameIsRejected) {
  auto target = PreparePull(repo_, "../escape", "http://h/f.gguf", "f.gguf");
  EXPECT_EQ(target.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(ModelInstallerTest, NonGgufFilesGetNoDefaultConfig) {
  EXPECT_TRUE(DefaultConfigText("m", "model.onnx", "http://h/model.onnx").empty());
  EXPECT_NE(DefaultConfigText("m", "model.gguf", "u").find("backend: \"llamacpp\""), std::string::npos);
}

}  // namespace
}  // namespace strato::fetch
