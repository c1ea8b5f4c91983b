// The MovieLens readers on small files written here, and (when
// ../shared/datasets/recsys/ml-100k is present) on the real release.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "strato/recsys/movielens.h"

namespace strato::recsys {
namespace {

namespace fs = std::filesystem;

fs::path TempDir(const std::string& name) {
  const fs::path dir =
      fs::temp_directory_path() / ("strato_recsys_" + name + "_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return dir;
}

void Write(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

TEST(RecsysMovieLens, ReadsTinyRelease) {
  const fs::path dir = TempDir("tiny");
  Write(dir / "u.genre", "unknown|0\nAction|1\nComedy|2\n\n");
  Write(dir / "u.item",
        "1|Toy Story (1995)|01-Jan-1995||http://x|0|0|1\n"
        "2|GoldenEye (1995)|01-Jan-1995||http://y|0|1|0\n"
        "3|Four Rooms (1995)|01-Jan-1995||http://z|0|1|1\n");
  Write(dir / "u.data", "1\t2\t5\t100\n2\t1\t3\t50\r\n2\t3\t4\t60\n");
  auto ml = ReadMovieLens(dir);
  ASSERT_TRUE(ml.ok()) << ml.status().ToString();
  EXPECT_EQ(ml->all.n_users, 2);
  EXPECT_EQ(ml->all.n_items, 3);
  ASSERT_EQ(ml->all.ratings.size(), 3u);
  EXPECT_EQ(ml->all.ratings[0].user, 0);
  EXPECT_EQ(ml->all.ratings[0].item, 1);
  EXPECT_EQ(ml->all.ratings[0].value, 5.0f);
  EXPECT_EQ(ml->all.ratings[1].timestamp, 50);
  EXPECT_EQ(ml->catalogue.titles[2], "Four Rooms (1995)");
  EXPECT_EQ(ml->catalogue.genre_masks[2], 0b110u);
  EXPECT_EQ(ml->catalogue.GenreBit("comedy"), 0b100u);
  EXPECT_EQ(ml->catalogue.GenreBit("Western"), 0u);
  EXPECT_EQ(ml->catalogue.GenreList(0b110u), "Action|Comedy");
  fs::remove_all(dir);
}

TEST(RecsysMovieLens, BadLinesNameFileAndLine) {
  const fs::path dir = TempDir("bad");
  Write(dir / "r.tsv", "1\t2\t5\t100\n1\tx\t5\t100\n");
  auto r = ReadRatingsFile(dir / "r.tsv");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().ToString().find("r.tsv:2"), std::string::npos) << r.status().ToString();
  Write(dir / "z.tsv", "0\t2\t5\t100\n");
  EXPECT_FALSE(ReadRatingsFile(dir / "z.tsv").ok());  // ids are 1-based
  EXPECT_FALSE(ReadRatingsFile(dir / "missing.tsv").ok());
  fs::remove_all(dir);
}

TEST(RecsysMovieLens, RealReleaseCounts) {
  const char* src = std::getenv("STRATO_SOURCE_DIR");
  const fs::path dir =
      fs::path(src ? src : ".") / ".." / "shared" / "datasets" / "recsys" / "ml-100k";
  if (!fs::exists(dir / "u.data")) GTEST_SKIP() << "MovieLens 100K not found at " << dir;
  auto ml = ReadMovieLens(dir);
  ASSERT_TRUE(ml.ok()) << ml.status().ToString();
  EXPECT_EQ(ml->all.ratings.size(), 100000u);
  EXPECT_EQ(ml->all.n_users, 943);
  EXPECT_EQ(ml->all.n_items, 1682);
  EXPECT_EQ(ml->catalogue.genre_names.size(), 19u);
  for (int fold = 1; fold <= 5; ++fold) {
    auto split = ReadMovieLensFold(dir, fold, ml->all);
    ASSERT_TRUE(split.ok());
    EXPECT_EQ(split->first.ratings.size(), 80000u);
    EXPECT_EQ(split->second.ratings.size(), 20000u);
  }
}

}  // namespace
}  // namespace strato::recsys
