#include "strato/core/base64.h"

#include <gtest/gtest.h>

#include <string>

namespace strato {
namespace {

TEST(Base64, EncodesWithPadding) {
  EXPECT_EQ(EncodeBase64(""), "");
  EXPECT_EQ(EncodeBase64("h"), "aA==");
  EXPECT_EQ(EncodeBase64("he"), "aGU=");
  EXPECT_EQ(EncodeBase64("hel"), "aGVs");
  EXPECT_EQ(EncodeBase64("hello"), "aGVsbG8=");
  EXPECT_EQ(EncodeBase64(std::string("\xff\xfe\x00", 3)), "//4A");
}

TEST(Base64, Decodes) {
  EXPECT_EQ(DecodeBase64("aGVsbG8="), "hello");
  EXPECT_EQ(DecodeBase64("aGVsbG8"), "hello");
  EXPECT_EQ(DecodeBase64(""), "");
  EXPECT_EQ(DecodeBase64("__4A"), std::string("\xff\xfe\x00", 3));  // URL-safe alphabet
  EXPECT_FALSE(DecodeBase64("a$==").has_value());
  EXPECT_FALSE(DecodeBase64("a").has_value());
}

TEST(Base64, RoundTripsEveryByteValueAndLength) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  for (size_t n = 0; n <= bytes.size(); n += 37) {
    const std::string in = bytes.substr(0, n);
    EXPECT_EQ(DecodeBase64(EncodeBase64(in)), in) << "length " << n;
  }
}

}  // namespace
}  // namespace strato
