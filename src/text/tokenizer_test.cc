#include "strato/text/tokenizer.h"

#include <gtest/gtest.h>

#include <chrono>

#include "strato/text/unicode.h"
#include "strato/text/utf8.h"

namespace strato::text {
namespace {

using Tokens = std::vector<std::string>;

Tokens Split(std::string_view text, TokenizerOptions options = {}) {
  auto tokens = Tokenizer(options).Tokenize(text);
  EXPECT_TRUE(tokens.ok()) << tokens.status().ToString();
  return tokens.ok() ? *tokens : Tokens{};
}

TEST(Utf8, DecodesAllLengthsAndRoundTrips) {
  const std::string text = "a\u00e9\u20ac\U0001F600";
  auto cps = DecodeUtf8(text);
  ASSERT_TRUE(cps.ok());
  EXPECT_EQ(*cps, (std::u32string{U'a', 0xE9, 0x20AC, 0x1F600}));
  EXPECT_EQ(EncodeUtf8(*cps), text);
}

TEST(Utf8, RejectsInvalidSequencesWithTheirOffset) {
  const std::string cases[] = {
      "ab\xff",              // never valid
      "ab\x80",              // lone continuation
      "ab\xc3",              // truncated
      "ab\xc0\xaf",          // overlong '/'
      "ab\xed\xa0\x80",      // surrogate U+D800
      "ab\xf4\x90\x80\x80",  // above U+10FFFF
      "ab\xe2\x82",          // truncated 3-byte
  };
  for (const std::string& bad : cases) {
    auto cps = DecodeUtf8(bad);
    ASSERT_FALSE(cps.ok()) << bad;
    EXPECT_EQ(cps.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(cps.status().message().find("invalid UTF-8 at byte 2"), std::string::npos)
        << cps.status().message();
    EXPECT_FALSE(IsValidUtf8(bad));
  }
}

TEST(Unicode, LowerCasesLatinGreekCyrillic) {
  EXPECT_EQ(ToLower(U'Q'), U'q');
  EXPECT_EQ(ToLower(0x00C9), 0x00E9u);  // É -> é
  EXPECT_EQ(ToLower(0x0152), 0x0153u);  // Œ -> œ
  EXPECT_EQ(ToLower(0x0141), 0x0142u);  // Ł -> ł
  EXPECT_EQ(ToLower(0x0178), 0x00FFu);  // Ÿ -> ÿ
  EXPECT_EQ(ToLower(0x0394), 0x03B4u);  // Δ -> δ
  EXPECT_EQ(ToLower(0x038F), 0x03CEu);  // Ώ -> ώ
  EXPECT_EQ(ToLower(0x0416), 0x0436u);  // Ж -> ж
  EXPECT_EQ(ToLower(0x0401), 0x0451u);  // Ё -> ё
  EXPECT_EQ(ToLower(0x1EA0), 0x1EA1u);  // Ạ -> ạ
  EXPECT_EQ(ToLower(0x00D7), 0x00D7u);  // × stays
  EXPECT_EQ(ToLower(0x4E2D), 0x4E2Du);  // 中 stays
}

TEST(Tokenizer, SplitsWordsPunctuationAndContractions) {
  EXPECT_EQ(Split("It's NOT good... at all!!!!!"),
            (Tokens{"it's", "not", "good", "...", "at", "all", "!!!"}));
  EXPECT_EQ(Split("does n't work , really"), (Tokens{"does", "n't", "work", ",", "really"}));
  EXPECT_EQ(Split("don\u2019t 'quote'"), (Tokens{"don't", "'quote", "'"}));
  EXPECT_EQ(Split("  \t\n "), Tokens{});
  EXPECT_EQ(Split(""), Tokens{});
}

TEST(Tokenizer, AccentsAndOtherScripts) {
  EXPECT_EQ(
      Split("CAF\u00c9 Cr\u00e8me \u0411\u041e\u0420\u0429 \u039a\u0391\u039b\u039f"),
      (Tokens{"caf\u00e9", "cr\u00e8me", "\u0431\u043e\u0440\u0449", "\u03ba\u03b1\u03bb\u03bf"}));
  // A decomposed accent (e + U+0301) stays inside its word.
  EXPECT_EQ(Split("Cafe\u0301!"), (Tokens{"cafe\u0301", "!"}));
  EXPECT_EQ(Split("\u4e2d\u6587 ok"), (Tokens{"\u4e2d\u6587", "ok"}));
  TokenizerOptions keep_case;
  keep_case.lowercase = false;
  EXPECT_EQ(Split("Gro\u00dfe \u00c9TAT", keep_case), (Tokens{"Gro\u00dfe", "\u00c9TAT"}));
}

TEST(Tokenizer, EmojiAreTokensWithTheirModifiers) {
  EXPECT_EQ(Split("love it\U0001F60D\U0001F60D!"),
            (Tokens{"love", "it", "\U0001F60D", "\U0001F60D", "!"}));
  // Thumbs up with a skin tone; a ZWJ family; a flag; a heart with VS16.
  EXPECT_EQ(Split("\U0001F44D\U0001F3FD ok"), (Tokens{"\U0001F44D\U0001F3FD", "ok"}));
  EXPECT_EQ(Split("\U0001F468\u200D\U0001F469\u200D\U0001F467"),
            (Tokens{"\U0001F468\u200D\U0001F469\u200D\U0001F467"}));
  EXPECT_EQ(Split("\U0001F1EB\U0001F1F7\U0001F1EC\U0001F1E7"),
            (Tokens{"\U0001F1EB\U0001F1F7", "\U0001F1EC\U0001F1E7"}));
  EXPECT_EQ(Split("\u2764\ufe0f"), (Tokens{"\u2764\ufe0f"}));
}

TEST(Tokenizer, DecodesHtmlEntities) {
  EXPECT_EQ(Split("Tom &amp; Jerry &quot;great&quot; &#39;s &#x1F600; &lt;3"),
            (Tokens{"tom", "&", "jerry", "\"", "great", "\"", "'s", "\U0001F600", "<", "3"}));
  // Unknown and malformed references stay as text.
  EXPECT_EQ(Split("&bogus; &#xZZ; &#0; &"),
            (Tokens{"&", "bogus", ";", "&", "#", "xzz", ";", "&", "#", "0", ";", "&"}));
  TokenizerOptions raw;
  raw.decode_html_entities = false;
  EXPECT_EQ(Split("a&amp;b", raw), (Tokens{"a", "&", "amp", ";", "b"}));
}

TEST(Tokenizer, DropsControlCharacters) {
  EXPECT_EQ(Split("a\x01"
                  "b\u200Ec\u00ADd"),
            (Tokens{"a", "b", "c", "d"}));
}

TEST(Tokenizer, MarksNegationScopes) {
  TokenizerOptions options;
  options.mark_negation = true;
  EXPECT_EQ(Split("This is not good at all, but fun. I don't like \U0001F600 it", options),
            (Tokens{"this", "is", "not", "good_NEG", "at_NEG", "all_NEG", ",", "but", "fun", ".",
                    "i", "don't", "like_NEG", "\U0001F600", "it_NEG"}));
  EXPECT_EQ(Split("not good"), (Tokens{"not", "good"}));  // off by default
}

TEST(Tokenizer, InvalidUtf8IsAnError) {
  auto tokens = Tokenizer().Tokenize("good \xc3\x28 movie");
  ASSERT_FALSE(tokens.ok());
  EXPECT_EQ(tokens.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(tokens.status().message().find("byte 5"), std::string::npos);
}

TEST(Tokenizer, RefusesTextsOverTheLimit) {
  TokenizerOptions options;
  options.max_input_bytes = 10;
  auto tokens = Tokenizer(options).Tokenize("0123456789a");
  ASSERT_FALSE(tokens.ok());
  EXPECT_NE(tokens.status().message().find("above the limit of 10"), std::string::npos);
  EXPECT_TRUE(Tokenizer(options).Tokenize("0123456789").ok());
}

TEST(Tokenizer, VeryLongInputIsLinear) {
  // 8 MiB of words, entities without ';', and emoji: must finish quickly and
  // count exactly.
  std::string text;
  const std::string piece = "good &&&& \U0001F600 ";
  while (text.size() < (8u << 20)) text += piece;
  TokenizerOptions options;
  options.max_input_bytes = 0;
  options.mark_negation = true;
  const auto start = std::chrono::steady_clock::now();
  auto tokens = Tokenizer(options).Tokenize(text);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(tokens.ok());
  EXPECT_EQ(tokens->size(), 3 * (text.size() / piece.size()));
  EXPECT_LT(seconds, 30.0);  // a guard against quadratic behaviour, not a timing goal
  options.max_tokens = 4;
  EXPECT_EQ(Tokenizer(options).Tokenize(text)->size(), 4u);
}

}  // namespace
}  // namespace strato::text
