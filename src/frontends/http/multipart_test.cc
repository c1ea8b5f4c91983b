// multipart/form-data parsing: what curl and the openai client send, and
// malformed bodies each with its error.
#include "multipart.h"

#include <gtest/gtest.h>

#include "openai_audio.h"

namespace strato::http {
namespace {

TEST(MultipartTest, Boundary) {
  EXPECT_EQ(*MultipartBoundary("multipart/form-data; boundary=----abc"), "----abc");
  EXPECT_EQ(*MultipartBoundary("Multipart/Form-Data;boundary=\"a;b c\""), "a;b c");
  EXPECT_FALSE(MultipartBoundary("application/json").ok());
  EXPECT_FALSE(MultipartBoundary("multipart/form-data").ok());
  EXPECT_FALSE(MultipartBoundary("multipart/form-data; boundary=" + std::string(71, 'x')).ok());
  EXPECT_FALSE(MultipartBoundary("").ok());
}

TEST(MultipartTest, PartsAsCurlSendsThem) {
  const std::string body =
      "--XYZ\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nasr\r\n"
      "--XYZ\r\ncontent-disposition: form-data; name=\"file\"; filename=\"a \\\"b\\\".wav\"\r\n"
      "Content-Type: audio/wav\r\n\r\nRIFF\r\n--XY\r\n\r\n--XYZ--\r\n";
  auto parts = ParseMultipart(body, "XYZ");
  ASSERT_TRUE(parts.ok()) << parts.status().ToString();
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].name, "model");
  EXPECT_EQ((*parts)[0].data, "asr");
  EXPECT_FALSE((*parts)[0].has_filename);
  EXPECT_EQ((*parts)[1].filename, "a \"b\".wav");
  EXPECT_EQ((*parts)[1].content_type, "audio/wav");
  // Data may hold CRLF and boundary-like text that is not a delimiter.
  EXPECT_EQ((*parts)[1].data, "RIFF\r\n--XY\r\n");
  EXPECT_EQ(FindPart(*parts, "file"), &(*parts)[1]);
  EXPECT_EQ(FindPart(*parts, "nope"), nullptr);
}

TEST(MultipartTest, PreambleAndEmptyData) {
  auto parts = ParseMultipart(
      "ignored preamble\r\n--b\r\nContent-Disposition: form-data; name=x\r\n\r\n\r\n--b--", "b");
  ASSERT_TRUE(parts.ok()) << parts.status().ToString();
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ((*parts)[0].name, "x");
  EXPECT_EQ((*parts)[0].data, "");
}

TEST(MultipartTest, MalformedBodiesGetErrors) {
  auto error = [](std::string_view body) {
    auto parts = ParseMultipart(body, "b");
    EXPECT_FALSE(parts.ok()) << body;
    return parts.ok() ? std::string() : parts.status().message();
  };
  EXPECT_NE(error("").find("boundary not found"), std::string::npos);
  EXPECT_NE(error("--b\r\nContent-Disposition: form-data; name=x\r\n\r\ndata").find("truncated"),
            std::string::npos);
  EXPECT_NE(error("--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--").find("Content-Disposition"),
            std::string::npos);
  EXPECT_NE(
      error("--b\r\nContent-Disposition: attachment; name=x\r\n\r\nx\r\n--b--").find("form-data"),
      std::string::npos);
  EXPECT_NE(error("--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--").find("no name"),
            std::string::npos);
  EXPECT_NE(error("--bXX\r\n").find("CRLF"), std::string::npos);
  EXPECT_NE(error("--b\r\nContent-Disposition: form-data; name=x").find("blank line"),
            std::string::npos);
  std::string many;
  for (size_t i = 0; i <= kMaxMultipartParts; ++i)
    many += "--b\r\nContent-Disposition: form-data; name=x\r\n\r\n\r\n";
  many += "--b--";
  EXPECT_NE(error(many).find("more than"), std::string::npos);
}

TEST(MultipartTest, SubtitleTimes) {
  EXPECT_EQ(SubtitleTime(3723.4567, ','), "01:02:03,457");
  EXPECT_EQ(SubtitleTime(0.5, '.'), "00:00:00.500");
  EXPECT_EQ(SubtitleTime(-1, '.'), "00:00:00.000");
}

}  // namespace
}  // namespace strato::http
