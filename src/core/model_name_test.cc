#include "strato/core/model_name.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "strato/core/safe_path.h"

namespace strato {
namespace {

TEST(ModelName, AcceptsOrdinaryNames) {
  for (const char* name : {"a", "simple", "add_sub", "resnet-50", "v1.2", "X9"}) {
    EXPECT_TRUE(ValidateModelName(name).ok()) << name;
  }
  EXPECT_TRUE(ValidateModelName(std::string(kMaxModelNameBytes, 'm')).ok());
}

TEST(ModelName, RefusesPathsAndControlBytes) {
  const std::string refused[] = {"",
                                 "/srv/x",
                                 "../../x",
                                 "..",
                                 ".",
                                 ".hidden",
                                 "a/b",
                                 "a\\b",
                                 std::string("a\0b", 3),
                                 "a\nb",
                                 "a\x1b[31m",
                                 "a b",
                                 "caf\xc3\xa9",
                                 std::string(kMaxModelNameBytes + 1, 'm')};
  for (const std::string& name : refused) {
    const Status s = ValidateModelName(name);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << name;
    EXPECT_NE(s.message().find("model name"), std::string::npos) << s.message();
    // The shown name never carries a raw control byte into a log line.
    for (char c : s.message()) EXPECT_GE(static_cast<unsigned char>(c), 0x20) << s.message();
  }
}

TEST(SafePath, RefusesEscapes) {
  for (const char* rel :
       {"", "/etc/passwd", "../x", "1/../../x", "a//b", "./a", "a\\b", "a/\x01"}) {
    EXPECT_FALSE(CheckRelativePath(rel, "file:x").ok()) << rel;
  }
  EXPECT_TRUE(CheckRelativePath("1/model.json", "file:x").ok());
}

TEST(SafePath, RefusesLinksOutOfTheRoot) {
  namespace fs = std::filesystem;
  const fs::path root = fs::path(::testing::TempDir()) / "safe_path_test";
  fs::remove_all(root);
  fs::create_directories(root / "inside");
  fs::create_directories(root / "outside");
  fs::create_directory_symlink(root / "outside", root / "inside" / "link");
  auto ok = ResolveInside(root / "inside", "1/model.json", "file:1/model.json");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(*ok, root / "inside" / "1/model.json");
  auto escaped = ResolveInside(root / "inside", "link/evil.txt", "file:link/evil.txt");
  ASSERT_FALSE(escaped.ok());
  EXPECT_NE(escaped.status().message().find("leaves its folder"), std::string::npos);
  EXPECT_TRUE(IsInside(root, root / "inside" / "x"));
  EXPECT_FALSE(IsInside(root / "inside", root / "insider"));
  fs::remove_all(root);
}

}  // namespace
}  // namespace strato
