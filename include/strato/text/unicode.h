// The small part of Unicode character properties the tokenizer needs,
// without a dependency on ICU: which code points form words, which are
// emoji, which are spaces, and simple (one-to-one) lower-casing for the
// Latin, Greek and Cyrillic scripts. Ranges follow the Unicode 15 block
// charts; anything unlisted and printable counts as punctuation/symbol.
#pragma once

namespace strato::text {

enum class CharClass {
  kWord,         // letters, digits, combining marks, CJK, other scripts' letters
  kEmoji,        // pictographs, dingbats, regional indicators
  kEmojiJoiner,  // ZWJ, variation selectors, skin-tone modifiers: glue for emoji
  kSpace,        // white space and invisible separators
  kControl,      // C0/C1 controls and other characters that carry no text
  kPunct,        // everything else
};

CharClass Classify(char32_t cp);

// Simple lower-case mapping (Latin incl. Latin-1 and Extended-A/Additional,
// Greek, Cyrillic, fullwidth Latin); other code points are returned as is.
char32_t ToLower(char32_t cp);

}  // namespace strato::text
