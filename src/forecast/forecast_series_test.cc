#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "strato/forecast/series.h"

namespace strato::forecast {
namespace {

class SeriesFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("strato_forecast_series_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& text) {
    const auto path = dir_ / name;
    std::ofstream(path) << text;
    return path.string();
  }
  std::filesystem::path dir_;
};

TEST_F(SeriesFiles, ReadsTheM4WideFormatWithPadding) {
  const std::string path = Write("w.csv",
                                 "\"V1\",\"V2\",\"V3\",\"V4\"\n"
                                 "\"H1\",\"1.5\",\"2\",\"3\"\n"
                                 "\"H2\",\"7\",\"8\",\n");
  auto s = ReadM4Wide(path);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_EQ(s->size(), 2u);
  EXPECT_EQ((*s)[0].id, "H1");
  EXPECT_EQ((*s)[0].values, (std::vector<double>{1.5, 2, 3}));
  EXPECT_EQ((*s)[1].values, (std::vector<double>{7, 8}));
}

TEST_F(SeriesFiles, M4GapIsAnError) {
  const std::string path = Write("g.csv", "V1,V2,V3,V4\nH1,1,,3\n");
  auto s = ReadM4Wide(path);
  EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.status().message().find("gap"), std::string::npos) << s.status().message();
}

TEST_F(SeriesFiles, ReadsLongFormatInAnyOrder) {
  const std::string path = Write("l.csv",
                                 "series_id,timestamp,value\n"
                                 "b,2024-01-02,20\n"
                                 "a,2024-01-02 00:00,2\n"
                                 "a,2024-01-01,1\n"
                                 "b,2024-01-01,10\n"
                                 "a,2024-01-03,3\n");
  auto s = ReadLongCsv(path);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_EQ(s->size(), 2u);
  EXPECT_EQ((*s)[0].id, "b");
  EXPECT_EQ((*s)[0].values, (std::vector<double>{10, 20}));
  EXPECT_EQ((*s)[1].values, (std::vector<double>{1, 2, 3}));
}

TEST_F(SeriesFiles, LongFormatErrorsNameTheProblem) {
  auto gap = ReadLongCsv(Write("gap.csv", "series_id,timestamp,value\na,1,1\na,2,2\na,4,4\n"));
  EXPECT_EQ(gap.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(gap.status().message().find("evenly spaced"), std::string::npos);
  auto dup = ReadLongCsv(Write("dup.csv", "series_id,timestamp,value\na,1,1\na,1,2\n"));
  EXPECT_NE(dup.status().message().find("same time"), std::string::npos);
  auto nan = ReadLongCsv(Write("nan.csv", "series_id,timestamp,value\na,1,1\na,2,NA\n"));
  EXPECT_NE(nan.status().message().find("missing"), std::string::npos);
  auto col = ReadLongCsv(Write("col.csv", "id,timestamp,value\na,1,1\n"));
  EXPECT_NE(col.status().message().find("no column 'series_id'"), std::string::npos);
  auto time = ReadLongCsv(Write("t.csv", "series_id,timestamp,value\na,yesterday,1\n"));
  EXPECT_NE(time.status().message().find("YYYY-MM-DD"), std::string::npos);
  EXPECT_EQ(ReadLongCsv((dir_ / "absent.csv").string()).status().code(), StatusCode::kNotFound);
}

TEST(Timestamps, ParseIsoDates) {
  long long s = 0;
  ASSERT_TRUE(ParseTimestamp("1970-01-02", &s));
  EXPECT_EQ(s, 86400);
  ASSERT_TRUE(ParseTimestamp("2000-03-01T01:02:03", &s));
  EXPECT_EQ(s, 951872523);
  EXPECT_FALSE(ParseTimestamp("2000-13-01", &s));
  EXPECT_FALSE(ParseTimestamp("2000-01-01 25:00", &s));
  EXPECT_FALSE(ParseTimestamp("01/02/2000", &s));
}

TEST(Histories, ValidateNamesTheFirstBadValue) {
  const std::vector<double> y{1, 2, INFINITY};
  Status s = ValidateHistory(y, 2, "series x");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("series x: value 2"), std::string::npos);
  EXPECT_EQ(ValidateHistory(y, 5, "series x").code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace strato::forecast
