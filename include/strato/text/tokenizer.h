// The tokenizer shared by training and serving: the same object (built from
// the options saved in the model file) splits text in `strato sentiment
// train` and in the `sentiment` backend, so a text is cut identically in
// both places.
//
// Steps, in order, over the decoded code points:
//   1. strict UTF-8 decoding (invalid bytes are an error, not replaced);
//   2. HTML entities (&amp; &quot; &#39; &#x1F600; ...) decoded when enabled;
//   3. lower-casing (Latin, Greek, Cyrillic; see unicode.h) when enabled;
//   4. splitting: runs of word characters are tokens, an apostrophe inside
//      or at the start of a word stays in it ("don't", "n't", "'s"); each
//      emoji (with its modifiers and ZWJ sequence) is a token; a run of one
//      punctuation character is a token, cut at 3 ("!!!!!" -> "!!!"); white
//      space separates; control characters are dropped;
//   5. negation scope marking when enabled: after a negation word ("not",
//      "no", "never", "n't", ...) every word token gets the suffix "_NEG"
//      until the next clause punctuation (. , ; : ! ?) (Das & Chen 2001,
//      Pang et al. 2002).
//
// Thread-safety: Tokenize is const and may be called from many threads.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "strato/core/status.h"

namespace strato::text {

struct TokenizerOptions {
  bool lowercase = true;
  bool decode_html_entities = true;
  bool mark_negation = false;
  // Texts longer than this many bytes are refused (INVALID_ARGUMENT) so
  // that one request cannot hold a worker for long. 0 = no limit.
  size_t max_input_bytes = 1u << 20;
  // Tokens after this many are dropped (the text is still accepted). 0 = all.
  size_t max_tokens = 0;
};

class Tokenizer {
 public:
  explicit Tokenizer(TokenizerOptions options = {}) : options_(options) {}

  const TokenizerOptions& options() const { return options_; }

  // Splits `text` (UTF-8) into tokens. INVALID_ARGUMENT for invalid UTF-8
  // (naming the byte offset) or a text over max_input_bytes.
  StatusOr<std::vector<std::string>> Tokenize(std::string_view text) const;

 private:
  TokenizerOptions options_;
};

// Replaces HTML character references (named ones common in web text, and
// decimal/hex numeric ones) by their code points; unknown or malformed
// references stay as they are.
std::u32string DecodeHtmlEntities(std::u32string_view text);

// Whether `token` (already lower-cased) starts a negation scope.
bool IsNegationWord(std::string_view token);

// The suffix negation marking appends.
inline constexpr std::string_view kNegationSuffix = "_NEG";

}  // namespace strato::text
