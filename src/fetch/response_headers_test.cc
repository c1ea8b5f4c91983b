#include "response_headers.h"

#include <gtest/gtest.h>

namespace strato::fetch {
namespace {

constexpr const char* kSum = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

TEST(ResponseHeadersTest, PartialContentRange) {
  ResponseHeaders h;
  h.Observe("HTTP/1.1 206 Partial Content\r\n");
  h.Observe("content-range: bytes 100-999/1000\r\n");
  h.Observe("Content-Length: 900\r\n");
  h.Observe("ETag: \"abc\"\r\n");
  EXPECT_EQ(h.status, 206);
  EXPECT_EQ(h.range_first, 100u);
  EXPECT_EQ(h.range_total, 1000u);
  EXPECT_EQ(h.content_length, 900u);
  EXPECT_EQ(h.Validator(), "\"abc\"");
}

TEST(ResponseHeadersTest, UnsatisfiableRangeGivesTotal) {
  ResponseHeaders h;
  h.Observe("HTTP/1.1 416 Range Not Satisfiable\r\n");
  h.Observe("Content-Range: bytes */1000\r\n");
  EXPECT_EQ(h.status, 416);
  EXPECT_FALSE(h.range_first);
  EXPECT_EQ(h.range_total, 1000u);
}

TEST(ResponseHeadersTest, RedirectChainKeepsLinkedEtagButResetsPerResponseFields) {
  ResponseHeaders h;
  h.Observe("HTTP/1.1 302 Found\r\n");
  h.Observe(std::string("X-Linked-Etag: \"") + kSum + "\"\r\n");
  h.Observe("Content-Length: 0\r\n");
  h.Observe("HTTP/2 200\r\n");
  h.Observe("etag: W/\"weak\"\r\n");
  h.Observe("Last-Modified: Tue, 01 Jan 2030 00:00:00 GMT\r\n");
  EXPECT_EQ(h.status, 200);
  EXPECT_FALSE(h.content_length);
  ASSERT_TRUE(h.source_sha256);
  EXPECT_EQ(*h.source_sha256, kSum);
  EXPECT_EQ(h.source_sha256_header, "X-Linked-ETag");
  // A weak ETag cannot validate byte ranges: Last-Modified is used instead.
  EXPECT_EQ(h.Validator(), "Tue, 01 Jan 2030 00:00:00 GMT");
}

TEST(ResponseHeadersTest, Sha256EtagIsASourceChecksum) {
  ResponseHeaders h;
  h.Observe("HTTP/1.1 200 OK\r\n");
  h.Observe(std::string("ETag: \"") + kSum + "\"\r\n");
  ASSERT_TRUE(h.source_sha256);
  EXPECT_EQ(h.source_sha256_header, "ETag");
  ResponseHeaders nginx;
  nginx.Observe("HTTP/1.1 200 OK\r\n");
  nginx.Observe("ETag: \"5f3c2a1b-12e4a0\"\r\n");
  EXPECT_FALSE(nginx.source_sha256);
}

TEST(ResponseHeadersTest, MalformedValuesAreIgnored) {
  ResponseHeaders h;
  h.Observe("HTTP/1.1 206\r\n");
  h.Observe("Content-Length: 12x\r\n");
  h.Observe("Content-Range: items 1-2/3\r\n");
  h.Observe("no colon here\r\n");
  EXPECT_EQ(h.status, 206);
  EXPECT_FALSE(h.content_length);
  EXPECT_FALSE(h.range_total);
}

}  // namespace
}  // namespace strato::fetch
