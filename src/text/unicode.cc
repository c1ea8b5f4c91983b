#include "strato/text/unicode.h"

namespace strato::text {
namespace {

constexpr bool In(char32_t cp, char32_t lo, char32_t hi) { return cp >= lo && cp <= hi; }

bool IsEmoji(char32_t cp) {
  return In(cp, 0x1F000, 0x1FAFF) ||  // mahjong .. symbols & pictographs extended-A
         In(cp, 0x2600, 0x27BF) ||    // miscellaneous symbols, dingbats
         In(cp, 0x2B00, 0x2BFF) ||    // arrows and stars used as emoji (⭐)
         In(cp, 0x2300, 0x23FF) ||    // technical symbols used as emoji (⌚ ⏰)
         cp == 0x00A9 || cp == 0x00AE || cp == 0x203C || cp == 0x2049 || cp == 0x2122 ||
         cp == 0x2764;
}

bool IsWordChar(char32_t cp) {
  if (cp < 0x80) {
    return In(cp, '0', '9') || In(cp, 'a', 'z') || In(cp, 'A', 'Z');
  }
  if (In(cp, 0x00C0, 0x024F)) return cp != 0x00D7 && cp != 0x00F7;  // Latin-1 letters, Ext-A/B
  if (cp == 0x00AA || cp == 0x00B5 || cp == 0x00BA) return true;
  return In(cp, 0x0250, 0x02AF) ||  // IPA
         In(cp, 0x02B0, 0x02FF) ||  // modifier letters
         In(cp, 0x0300, 0x036F) ||  // combining diacritics (decomposed accents)
         In(cp, 0x0370, 0x03FF) ||  // Greek
         In(cp, 0x0400, 0x052F) ||  // Cyrillic and supplement
         In(cp, 0x0531, 0x058F) ||  // Armenian
         In(cp, 0x05D0, 0x05F2) || In(cp, 0x0591, 0x05C7) ||  // Hebrew letters and points
         In(cp, 0x0620, 0x064A) || In(cp, 0x064B, 0x0669) || In(cp, 0x066E, 0x06D3) ||
         In(cp, 0x06F0, 0x06FF) ||                            // Arabic letters, marks, digits
         In(cp, 0x0900, 0x0DFF) ||                            // Indic scripts
         In(cp, 0x0E00, 0x0EFF) ||                            // Thai, Lao
         In(cp, 0x10A0, 0x10FF) ||                            // Georgian
         In(cp, 0x1100, 0x11FF) ||                            // Hangul Jamo
         In(cp, 0x1AB0, 0x1AFF) || In(cp, 0x1DC0, 0x1DFF) ||  // more combining marks
         In(cp, 0x1E00, 0x1FFF) ||  // Latin Extended Additional, Greek Extended
         In(cp, 0x20D0, 0x20FF) ||  // combining marks for symbols
         In(cp, 0x3040, 0x30FF) ||  // Hiragana, Katakana
         In(cp, 0x3400, 0x4DBF) || In(cp, 0x4E00, 0x9FFF) ||  // CJK ideographs
         In(cp, 0xAC00, 0xD7AF) ||                            // Hangul syllables
         In(cp, 0xFF10, 0xFF19) || In(cp, 0xFF21, 0xFF3A) || In(cp, 0xFF41, 0xFF5A) ||  // fullwidth
         In(cp, 0x20000, 0x2FA1F);  // CJK extensions
}

}  // namespace

CharClass Classify(char32_t cp) {
  if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v' ||
      cp == 0x00A0 || cp == 0x1680 || In(cp, 0x2000, 0x200B) || cp == 0x2028 || cp == 0x2029 ||
      cp == 0x202F || cp == 0x205F || cp == 0x3000 || cp == 0xFEFF) {
    return CharClass::kSpace;
  }
  if (cp < 0x20 || In(cp, 0x7F, 0x9F) || cp == 0x00AD || In(cp, 0x200E, 0x200F) ||
      In(cp, 0x202A, 0x202E) || In(cp, 0x2060, 0x2064) || In(cp, 0xFFF0, 0xFFFF) ||
      In(cp, 0xE000, 0xF8FF) || In(cp, 0xE0000, 0xE007F) || In(cp, 0xF0000, 0x10FFFF)) {
    return CharClass::kControl;  // invisible formatting, private use, tags
  }
  if (cp == 0x200D || In(cp, 0xFE00, 0xFE0F) || In(cp, 0x1F3FB, 0x1F3FF)) {
    return CharClass::kEmojiJoiner;
  }
  if (IsWordChar(cp)) return CharClass::kWord;
  if (IsEmoji(cp)) return CharClass::kEmoji;
  return CharClass::kPunct;
}

char32_t ToLower(char32_t cp) {
  if (cp < 0x80) return In(cp, 'A', 'Z') ? cp + 32 : cp;
  // Latin-1: À..Þ except ×.
  if (In(cp, 0x00C0, 0x00DE)) return cp == 0x00D7 ? cp : cp + 32;
  // Latin Extended-A: mostly upper = even, lower = odd, with a shifted run.
  if (In(cp, 0x0100, 0x017F)) {
    if (cp == 0x0130) return 'i';     // İ
    if (cp == 0x0178) return 0x00FF;  // Ÿ
    if (In(cp, 0x0139, 0x0148) || In(cp, 0x0179, 0x017E)) return (cp % 2 == 1) ? cp + 1 : cp;
    if (cp == 0x0131 || cp == 0x0138 || cp == 0x0149 || cp == 0x017F) return cp;
    return (cp % 2 == 0) ? cp + 1 : cp;
  }
  // Greek.
  if (In(cp, 0x0391, 0x03AB) && cp != 0x03A2) return cp + 32;
  if (cp == 0x0386) return 0x03AC;
  if (In(cp, 0x0388, 0x038A)) return cp + 37;
  if (cp == 0x038C) return 0x03CC;
  if (In(cp, 0x038E, 0x038F)) return cp + 63;
  // Cyrillic.
  if (In(cp, 0x0410, 0x042F)) return cp + 32;
  if (In(cp, 0x0400, 0x040F)) return cp + 80;
  if (In(cp, 0x0460, 0x0481) || In(cp, 0x048A, 0x04BF) || In(cp, 0x04D0, 0x052F)) {
    return (cp % 2 == 0) ? cp + 1 : cp;
  }
  if (cp == 0x04C0) return 0x04CF;
  if (In(cp, 0x04C1, 0x04CE)) return (cp % 2 == 1) ? cp + 1 : cp;
  // Latin Extended Additional (Vietnamese etc.), except the ẖ..ẟ run.
  if (In(cp, 0x1E00, 0x1EFF) && !In(cp, 0x1E96, 0x1E9F)) return (cp % 2 == 0) ? cp + 1 : cp;
  // Fullwidth Latin capitals.
  if (In(cp, 0xFF21, 0xFF3A)) return cp + 32;
  return cp;
}

}  // namespace strato::text
