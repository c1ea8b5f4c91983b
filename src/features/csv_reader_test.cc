#include "strato/features/csv_reader.h"

#include <gtest/gtest.h>

#include <cmath>

namespace strato::features {
namespace {

TEST(CsvReaderTest, InfersTypesAndMissingValues) {
  ReadOptions o;
  auto t = ParseTable("a,b,name\n1,2.5,x\nNA,-3e2,\"y, z\"\n4,,w\n", "t.csv", o);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_EQ(t->rows, 3u);
  EXPECT_EQ(t->Find("a")->type, ColumnType::kNumber);
  EXPECT_TRUE(std::isnan(t->Find("a")->numbers[1]));
  EXPECT_DOUBLE_EQ(t->Find("b")->numbers[1], -300.0);
  EXPECT_TRUE(std::isnan(t->Find("b")->numbers[2]));
  EXPECT_EQ(t->Find("name")->type, ColumnType::kString);
  EXPECT_EQ(t->Find("name")->strings[1], "y, z");
}

TEST(CsvReaderTest, ColumnTurningToTextKeepsEarlierRowsText) {
  auto t = ParseTable("id,v\n1.50,1\nNA,2\nM14860,3\n", "t.csv", ReadOptions{});
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  const Column* id = t->Find("id");
  ASSERT_EQ(id->type, ColumnType::kString);
  EXPECT_EQ(id->strings, (std::vector<std::string>{"1.50", "", "M14860"}));
  EXPECT_EQ(t->Find("v")->numbers, (std::vector<double>{1, 2, 3}));
}

TEST(CsvReaderTest, WhitespaceWithoutHeaderAndTrailingSpaces) {
  ReadOptions o;
  o.format = TextFormat::kWhitespace;
  o.header = false;
  o.column_names = {"unit", "cycle", "s1"};
  auto t = ParseTable("1 1 0.5  \n1   2\t0.25 \n\n", "x.txt", o);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->rows, 2u);
  EXPECT_DOUBLE_EQ(t->Find("s1")->numbers[1], 0.25);
}

TEST(CsvReaderTest, SniffsTsvAndStripsByteOrderMark) {
  auto t = ParseTable("\xEF\xBB\xBFx\ty\n1\t2\n", "data", ReadOptions{});
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->columns[0].name, "x");
  EXPECT_DOUBLE_EQ(t->Find("y")->numbers[0], 2.0);
}

TEST(CsvReaderTest, WrongFieldCountNamesLineAndMissingColumn) {
  auto t = ParseTable("a,b,c\n1,2,3\n4,5\n", "f.csv", ReadOptions{});
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(t.status().message(), "f.csv:3: expected 3 fields, found 2 (column 'c' is missing)");
}

TEST(CsvReaderTest, DeclaredNumberRejectsTextWithLineAndColumn) {
  ReadOptions o;
  o.types["b"] = ColumnType::kNumber;
  auto t = ParseTable("a,b\n1,2\n3,abc\n", "f.csv", o);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().message(), "f.csv:3: column 'b' (field 2): 'abc' is not a number");
}

TEST(CsvReaderTest, SkipsAndCountsBadRows) {
  ReadOptions o;
  o.skip_bad_rows = true;
  o.types["b"] = ColumnType::kNumber;
  ReadStats stats;
  auto t = ParseTable("a,b\n1,2\n3,abc\n4\n5,6\n", "f.csv", o, &stats);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->rows, 2u);
  EXPECT_EQ(stats.bad_rows_skipped, 2u);
  EXPECT_NE(stats.first_bad_row.find("f.csv:3:"), std::string::npos);
  EXPECT_DOUBLE_EQ(t->Find("b")->numbers[1], 6.0);
}

TEST(CsvReaderTest, EmptyFileAndDuplicateColumnsAreErrors) {
  EXPECT_EQ(ParseTable("", "e.csv", ReadOptions{}).status().message(),
            "e.csv: the file is empty (no header and no rows)");
  EXPECT_EQ(ParseTable("\n  \n", "e.csv", ReadOptions{}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseTable("a,a\n1,2\n", "d.csv", ReadOptions{}).status().message(),
            "d.csv: column 'a' appears twice");
  ReadOptions o;
  o.types["zz"] = ColumnType::kString;
  EXPECT_NE(ParseTable("a\n1\n", "d.csv", o).status().message().find("'zz'"), std::string::npos);
}

TEST(CsvReaderTest, MissingFileIsNotFound) {
  EXPECT_EQ(ReadTable("/nonexistent/x.csv", ReadOptions{}).status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace strato::features
