// Fuzzes the text path a served request takes: UTF-8 decoding, entities,
// splitting, negation marking, n-grams (word and character) and hashing.
// The first byte picks the options, the rest is the text. Invalid UTF-8 must
// be an error, never a crash; valid text must give tokens that are valid
// UTF-8 and n-grams that point inside the token list.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "strato/text/features.h"
#include "strato/text/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t flags = data[0];
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  strato::text::TokenizerOptions options;
  options.lowercase = (flags & 1) != 0;
  options.decode_html_entities = (flags & 2) != 0;
  options.mark_negation = (flags & 4) != 0;
  options.max_tokens = (flags & 8) != 0 ? 7 : 0;
  auto tokens = strato::text::Tokenizer(options).Tokenize(text);
  if (!tokens.ok()) {
    if (strato::text::IsValidUtf8(text)) std::abort();  // only invalid UTF-8 may fail here
    return 0;
  }
  for (const std::string& token : *tokens) {
    if (token.empty() || !strato::text::IsValidUtf8(token)) std::abort();
  }
  strato::text::NgramOptions ngrams;
  ngrams.word_max = 3;
  ngrams.char_min = (flags & 16) != 0 ? 2 : 0;
  ngrams.char_max = (flags & 16) != 0 ? 4 : 0;
  std::vector<strato::text::Ngram> out;
  strato::text::ExtractNgrams(*tokens, ngrams, &out);
  for (const strato::text::Ngram& g : out) {
    if (g.token_count == 0 || g.first_token + g.token_count > tokens->size()) std::abort();
  }
  return 0;
}
