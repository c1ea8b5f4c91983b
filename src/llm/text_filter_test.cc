// TextFilter: stop strings across token boundaries and UTF-8 hold-back.
#include "text_filter.h"

#include <gtest/gtest.h>

namespace strato::llm {
namespace {

TEST(TextFilterTest, StopStringSplitAcrossPiecesIsHeldThenDropped) {
  TextFilter f({"END"});
  EXPECT_EQ(f.Push("hello E"), "hello ");  // "E" might start "END"
  EXPECT_EQ(f.Push("N"), "");
  EXPECT_EQ(f.Push("D and more"), "");
  EXPECT_TRUE(f.stopped());
  EXPECT_EQ(f.Flush(), "");
}

TEST(TextFilterTest, FalseStartIsReleased) {
  TextFilter f({"END"});
  EXPECT_EQ(f.Push("E"), "");
  EXPECT_EQ(f.Push("X"), "EX");
  EXPECT_FALSE(f.stopped());
}

TEST(TextFilterTest, IncompleteUtf8IsHeldUntilComplete) {
  TextFilter f;
  const std::string euro = "\xE2\x82\xAC";
  std::string first = "a";
  first.append(euro, 0, 2);
  EXPECT_EQ(f.Push(first), "a");
  EXPECT_EQ(f.Push(euro.substr(2)), euro);
  EXPECT_EQ(f.Push("\xE2"), "");
  EXPECT_EQ(f.Flush(), "\xE2");  // released at the end even if incomplete
}

TEST(TextFilterTest, EarliestOfSeveralStopStringsWins) {
  TextFilter f({"cat", "dog"});
  EXPECT_EQ(f.Push("a dog and a cat"), "a ");
  EXPECT_TRUE(f.stopped());
}

}  // namespace
}  // namespace strato::llm
