#include "strato/fetch/source.h"

#include <gtest/gtest.h>

namespace strato::fetch {
namespace {

TEST(ResolveSourceTest, HuggingFaceFileMapsToResolveMain) {
  auto s = ResolveSource("hf://ggml-org/models/stories260K.gguf");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->url, "https://huggingface.co/ggml-org/models/resolve/main/stories260K.gguf");
  EXPECT_EQ(s->file_name, "stories260K.gguf");
  EXPECT_TRUE(s->hugging_face);
}

TEST(ResolveSourceTest, HuggingFaceRevisionAndSubfolder) {
  auto s = ResolveSource("hf://ggml-org/models/tinyllamas/stories260K.gguf@a1b2c3");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->url, "https://huggingface.co/ggml-org/models/resolve/a1b2c3/tinyllamas/stories260K.gguf");
  EXPECT_EQ(s->file_name, "stories260K.gguf");
}

TEST(ResolveSourceTest, HuggingFaceEndpointOverrideAndEncoding) {
  auto s = ResolveSource("hf://me/repo/my model+v2.gguf@refs%2Fpr%2F1", "http://127.0.0.1:9/");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->url, "http://127.0.0.1:9/me/repo/resolve/refs%2Fpr%2F1/my%20model%2Bv2.gguf");
  EXPECT_EQ(s->file_name, "my model+v2.gguf");
}

TEST(ResolveSourceTest, HuggingFaceRejectsMissingParts) {
  EXPECT_EQ(ResolveSource("hf://owner/repo").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ResolveSource("hf://owner//file.gguf").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ResolveSource("hf://own er/repo/f.gguf").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ResolveSource("hf://o/r/../f.gguf").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ResolveSource("hf://o/r/f.gguf@").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ResolveSource("hf://o/r/f.gguf@a:b").status().code(), StatusCode::kInvalidArgument);
  auto bad = ResolveSource("hf://owner/repo");
  EXPECT_NE(bad.status().message().find("hf://OWNER/REPO/FILE"), std::string::npos);
}

TEST(ResolveSourceTest, HttpUrlKeepsQueryAndDropsFragment) {
  auto s = ResolveSource("https://example.com:8443/a/b/Model%20Q4.gguf?download=1#frag");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->url, "https://example.com:8443/a/b/Model%20Q4.gguf?download=1");
  EXPECT_EQ(s->file_name, "Model Q4.gguf");
  EXPECT_FALSE(s->hugging_face);
  auto plain = ResolveSource("HTTP://127.0.0.1/x.gguf");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->file_name, "x.gguf");
}

TEST(ResolveSourceTest, HttpUrlErrorsNameTheProblem) {
  auto no_file = ResolveSource("https://example.com/models/");
  EXPECT_EQ(no_file.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(no_file.status().message().find("file name"), std::string::npos);
  EXPECT_FALSE(ResolveSource("https://example.com").ok());
  EXPECT_NE(ResolveSource("http:///x.gguf").status().message().find("no host"), std::string::npos);
  EXPECT_FALSE(ResolveSource("http://h/a b.gguf").ok());
  EXPECT_FALSE(ResolveSource("http://h/bad%zz.gguf").ok());
  EXPECT_FALSE(ResolveSource("http://h/%2e%2e").ok());
  EXPECT_FALSE(ResolveSource("http://h/a%2Fb").ok());
  auto scheme = ResolveSource("ftp://h/x.gguf");
  EXPECT_NE(scheme.status().message().find("unsupported source"), std::string::npos);
  EXPECT_FALSE(ResolveSource("").ok());
}

TEST(DefaultModelNameTest, DropsExtensionAndReplacesOddCharacters) {
  EXPECT_EQ(DefaultModelName("stories260K.gguf"), "stories260K");
  EXPECT_EQ(DefaultModelName("Llama-3.2-1B-Q4_K_M.gguf"), "Llama-3.2-1B-Q4_K_M");
  EXPECT_EQ(DefaultModelName("my model+v2.gguf"), "my_model_v2");
  EXPECT_EQ(DefaultModelName(".hidden.gguf"), "hidden");
  EXPECT_EQ(DefaultModelName(".gguf"), "gguf");
  EXPECT_EQ(DefaultModelName("..."), "model");
  EXPECT_TRUE(CheckModelName(DefaultModelName("a b c d.gguf")).ok());
}

TEST(CheckModelNameTest, RejectsHiddenAndPathNames) {
  EXPECT_TRUE(CheckModelName("stories260K").ok());
  EXPECT_FALSE(CheckModelName("").ok());
  EXPECT_FALSE(CheckModelName(".x").ok());
  EXPECT_FALSE(CheckModelName("a/b").ok());
  EXPECT_FALSE(CheckModelName("..").ok());
  EXPECT_FALSE(CheckModelName(std::string(129, 'a')).ok());
}

}  // namespace
}  // namespace strato::fetch

namespace strato::fetch {
namespace {

TEST(RedactUrlTest, DropsCredentials) {
  EXPECT_EQ(RedactUrl("https://user:secret@example.com/a/b.gguf"), "https://***@example.com/a/b.gguf");
  EXPECT_EQ(RedactUrl("https://tok@example.com:8443/x?y=1@2"), "https://***@example.com:8443/x?y=1@2");
  EXPECT_EQ(RedactUrl("https://example.com/a@b"), "https://example.com/a@b");
  EXPECT_EQ(RedactUrl("not a url"), "not a url");
}

}  // namespace
}  // namespace strato::fetch
