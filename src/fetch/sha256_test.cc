#include "strato/fetch/sha256.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

namespace strato::fetch {
namespace {

// FIPS 180-2 test vectors.
constexpr const char* kEmpty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr const char* kAbc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
constexpr const char* kTwoBlocks = "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";

std::string Digest(std::string_view data) {
  auto h = Sha256::Create();
  EXPECT_TRUE(h.ok());
  h->Update(data.data(), data.size());
  return h->FinishHex();
}

TEST(Sha256Test, KnownVectors) {
  EXPECT_EQ(Digest(""), kEmpty);
  EXPECT_EQ(Digest("abc"), kAbc);
  EXPECT_EQ(Digest("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"), kTwoBlocks);
}

TEST(Sha256Test, IncrementalEqualsOneShotAndResetStartsOver) {
  auto h = Sha256::Create();
  ASSERT_TRUE(h.ok());
  h->Update("ab", 2);
  h->Update("c", 1);
  EXPECT_EQ(h->FinishHex(), kAbc);
  h->Reset();
  h->Update("junk", 4);
  h->Reset();
  EXPECT_EQ(h->FinishHex(), kEmpty);
}

TEST(Sha256Test, FileDigestMatchesAndMissingFileIsNotFound) {
  const auto path = std::filesystem::temp_directory_path() / ("strato_sha_" + std::to_string(::getpid()));
  std::string big(3 << 20, 'x');  // spans several read buffers
  std::ofstream(path, std::ios::binary) << big;
  auto sum = Sha256OfFile(path);
  ASSERT_TRUE(sum.ok());
  EXPECT_EQ(*sum, Digest(big));
  std::filesystem::remove(path);
  EXPECT_EQ(Sha256OfFile(path).status().code(), StatusCode::kNotFound);
}

TEST(NormalizeSha256Test, AcceptsWhatServersSend) {
  const std::string upper = "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD";
  EXPECT_EQ(NormalizeSha256(kAbc), kAbc);
  EXPECT_EQ(NormalizeSha256(upper), kAbc);
  EXPECT_EQ(NormalizeSha256("\"" + std::string(kAbc) + "\""), kAbc);
  EXPECT_EQ(NormalizeSha256("W/\"" + std::string(kAbc) + "\""), kAbc);
  EXPECT_EQ(NormalizeSha256("sha256:" + std::string(kAbc)), kAbc);
  EXPECT_FALSE(NormalizeSha256("\"5f3c2a1b-12e4a0\""));              // nginx-style ETag
  EXPECT_FALSE(NormalizeSha256(std::string(kAbc).substr(1)));        // 63 digits
  EXPECT_FALSE(NormalizeSha256(std::string(kAbc).replace(0, 1, "g")));
  EXPECT_FALSE(NormalizeSha256(""));
}

TEST(ParseChecksumFileTest, ReadsSha256sumFormat) {
  EXPECT_EQ(ParseChecksumFile(std::string(kAbc) + "  stories260K.gguf\n"), kAbc);
  EXPECT_EQ(ParseChecksumFile(std::string(kAbc) + "\n"), kAbc);
  EXPECT_EQ(ParseChecksumFile(std::string(kAbc) + " *f.gguf\r\n"), kAbc);
  EXPECT_EQ(ParseChecksumFile(std::string(kAbc)), kAbc);
  EXPECT_FALSE(ParseChecksumFile("<html>not found</html>"));
  EXPECT_FALSE(ParseChecksumFile(""));
}

}  // namespace
}  // namespace strato::fetch
