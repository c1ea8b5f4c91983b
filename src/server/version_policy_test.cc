#include "version_policy.h"

#include <gtest/gtest.h>

#include "repository.h"

namespace strato {
namespace {

using V = std::vector<int64_t>;

TEST(VersionPolicy, DefaultIsLatestOne) {
  EXPECT_EQ(SelectVersions({}, {3, 1, 10, 2}).versions, V({10}));
  EXPECT_TRUE(SelectVersions({}, {}).versions.empty());
}

TEST(VersionPolicy, LatestN) {
  inference::ModelVersionPolicy p;
  p.mutable_latest()->set_num_versions(2);
  EXPECT_EQ(SelectVersions(p, {3, 1, 10}).versions, V({3, 10}));
  p.mutable_latest()->set_num_versions(5);
  EXPECT_EQ(SelectVersions(p, {3, 1}).versions, V({1, 3}));
}

TEST(VersionPolicy, All) {
  inference::ModelVersionPolicy p;
  p.mutable_all();
  EXPECT_EQ(SelectVersions(p, {2, 1, 2}).versions, V({1, 2}));
}

TEST(VersionPolicy, SpecificReportsMissing) {
  inference::ModelVersionPolicy p;
  p.mutable_specific()->add_versions(4);
  p.mutable_specific()->add_versions(1);
  auto s = SelectVersions(p, {1, 2, 3});
  EXPECT_EQ(s.versions, V({1}));
  EXPECT_EQ(s.missing, V({4}));
}

TEST(Repository, VersionFolderNames) {
  EXPECT_EQ(ParseVersionDirName("12"), 12);
  EXPECT_FALSE(ParseVersionDirName("0"));
  EXPECT_FALSE(ParseVersionDirName("-1"));
  EXPECT_FALSE(ParseVersionDirName("1a"));
  EXPECT_FALSE(ParseVersionDirName(""));
  EXPECT_FALSE(ParseVersionDirName("99999999999999999999"));
}

}  // namespace
}  // namespace strato
