#include "strato/text/tokenizer.h"

#include <array>

#include "strato/text/unicode.h"
#include "strato/text/utf8.h"

namespace strato::text {
namespace {

constexpr char32_t kZeroWidthJoiner = 0x200D;
constexpr size_t kLongestPunctRun = 3;

bool IsApostrophe(char32_t cp) { return cp == U'\'' || cp == 0x2019; }
bool IsRegionalIndicator(char32_t cp) { return cp >= 0x1F1E6 && cp <= 0x1F1FF; }

bool EndsNegationScope(std::string_view token) {
  return token.size() <= kLongestPunctRun && !token.empty() &&
         std::string_view(".,;:!?").find(token[0]) != std::string_view::npos;
}

class Splitter {
 public:
  Splitter(std::u32string_view cps, const TokenizerOptions& options)
      : cps_(cps), options_(options) {}

  // Returns the tokens; is_word[k] says whether token k is a word.
  std::vector<std::string> Run(std::vector<bool>* is_word) {
    std::vector<std::string> tokens;
    size_t i = 0;
    while (i < cps_.size()) {
      if (options_.max_tokens != 0 && tokens.size() >= options_.max_tokens) break;
      const char32_t cp = cps_[i];
      const CharClass cls = Classify(cp);
      if (cls == CharClass::kWord || StartsWordWithApostrophe(i)) {
        const size_t end = WordEnd(i);
        tokens.push_back(Word(i, end));
        is_word->push_back(true);
        i = end;
      } else if (cls == CharClass::kEmoji) {
        const size_t end = EmojiEnd(i);
        tokens.push_back(EncodeUtf8(cps_.substr(i, end - i)));
        is_word->push_back(false);
        i = end;
      } else if (cls == CharClass::kPunct) {
        size_t end = i + 1;
        while (end < cps_.size() && cps_[end] == cp) ++end;
        std::string token;
        for (size_t k = 0; k < std::min(end - i, kLongestPunctRun); ++k) AppendUtf8(cp, &token);
        tokens.push_back(std::move(token));
        is_word->push_back(false);
        i = end;
      } else {
        ++i;  // space, control, or a stray emoji modifier
      }
    }
    return tokens;
  }

 private:
  bool IsWordAt(size_t i) const { return i < cps_.size() && Classify(cps_[i]) == CharClass::kWord; }
  bool StartsWordWithApostrophe(size_t i) const { return IsApostrophe(cps_[i]) && IsWordAt(i + 1); }

  size_t WordEnd(size_t i) const {
    size_t j = i + 1;
    while (j < cps_.size()) {
      if (IsWordAt(j)) {
        ++j;
      } else if (IsApostrophe(cps_[j]) && IsWordAt(j + 1)) {
        j += 2;
      } else {
        break;
      }
    }
    return j;
  }

  std::string Word(size_t begin, size_t end) const {
    std::string word;
    word.reserve(end - begin);
    for (size_t k = begin; k < end; ++k) {
      char32_t c = cps_[k];
      if (IsApostrophe(c))
        c = U'\'';
      else if (options_.lowercase)
        c = ToLower(c);
      AppendUtf8(c, &word);
    }
    return word;
  }

  // One emoji with its modifiers, or a ZWJ sequence, or a flag (two
  // regional indicators).
  size_t EmojiEnd(size_t i) const {
    size_t j = i + 1;
    if (IsRegionalIndicator(cps_[i]) && j < cps_.size() && IsRegionalIndicator(cps_[j])) {
      return j + 1;
    }
    while (j < cps_.size() && Classify(cps_[j]) == CharClass::kEmojiJoiner) {
      if (cps_[j] == kZeroWidthJoiner && j + 1 < cps_.size() &&
          Classify(cps_[j + 1]) == CharClass::kEmoji) {
        j += 2;
      } else {
        ++j;
      }
    }
    return j;
  }

  std::u32string_view cps_;
  const TokenizerOptions& options_;
};

void MarkNegation(const std::vector<bool>& is_word, std::vector<std::string>* tokens) {
  bool in_scope = false;
  for (size_t k = 0; k < tokens->size(); ++k) {
    std::string& token = (*tokens)[k];
    if (EndsNegationScope(token)) {
      in_scope = false;
    } else if (is_word[k] && IsNegationWord(token)) {
      in_scope = true;
    } else if (in_scope && is_word[k]) {
      token += kNegationSuffix;
    }
  }
}

}  // namespace

bool IsNegationWord(std::string_view token) {
  static constexpr std::array<std::string_view, 20> kWords = {
      "not",    "no",      "never",  "nothing", "nobody", "none",   "neither",
      "nor",    "nowhere", "cannot", "without", "hardly", "barely", "dont",
      "doesnt", "didnt",   "isnt",   "wasnt",   "cant",   "wont"};
  for (const std::string_view w : kWords) {
    if (token == w) return true;
  }
  return token.ends_with("n't");
}

StatusOr<std::vector<std::string>> Tokenizer::Tokenize(std::string_view text) const {
  if (options_.max_input_bytes != 0 && text.size() > options_.max_input_bytes) {
    return InvalidArgumentError("text is " + std::to_string(text.size()) +
                                " bytes, above the limit of " +
                                std::to_string(options_.max_input_bytes));
  }
  ASSIGN_OR_RETURN(std::u32string cps, DecodeUtf8(text));
  if (options_.decode_html_entities && cps.find(U'&') != std::u32string::npos) {
    cps = DecodeHtmlEntities(cps);
  }
  std::vector<bool> is_word;
  std::vector<std::string> tokens = Splitter(cps, options_).Run(&is_word);
  if (options_.mark_negation) MarkNegation(is_word, &tokens);
  return tokens;
}

}  // namespace strato::text
