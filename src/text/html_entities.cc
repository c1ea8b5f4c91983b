// HTML character references (WHATWG named list, the subset seen in reviews
// and social media, plus every numeric form).
#include <string_view>

#include "strato/text/tokenizer.h"

namespace strato::text {
namespace {

struct NamedEntity {
  std::u32string_view name;
  char32_t cp;
};

constexpr NamedEntity kNamed[] = {
    {U"amp", U'&'},      {U"lt", U'<'},       {U"gt", U'>'},       {U"quot", U'"'},
    {U"apos", U'\''},    {U"nbsp", 0x00A0},   {U"hellip", 0x2026}, {U"mdash", 0x2014},
    {U"ndash", 0x2013},  {U"lsquo", 0x2018},  {U"rsquo", 0x2019},  {U"ldquo", 0x201C},
    {U"rdquo", 0x201D},  {U"eacute", 0x00E9}, {U"egrave", 0x00E8}, {U"agrave", 0x00E0},
    {U"aacute", 0x00E1}, {U"ccedil", 0x00E7}, {U"uuml", 0x00FC},   {U"ouml", 0x00F6},
    {U"auml", 0x00E4},   {U"szlig", 0x00DF},  {U"ntilde", 0x00F1}, {U"copy", 0x00A9},
    {U"reg", 0x00AE},    {U"trade", 0x2122},  {U"hearts", 0x2665}, {U"euro", 0x20AC},
    {U"pound", 0x00A3},  {U"laquo", 0x00AB},  {U"raquo", 0x00BB},  {U"iexcl", 0x00A1},
    {U"iquest", 0x00BF}, {U"deg", 0x00B0},    {U"times", 0x00D7},  {U"middot", 0x00B7},
};

bool IsScalar(uint32_t v) { return v > 0 && v <= 0x10FFFF && !(v >= 0xD800 && v <= 0xDFFF); }

// Parses the reference starting at text[i] == '&'. On success stores the
// code point and the reference's length (including '&' and ';').
bool ParseReference(std::u32string_view text, size_t i, char32_t* cp, size_t* length) {
  // Look for ';' only within the longest reference ("&#x10FFFF;", names are
  // shorter) so that a long text full of '&' stays linear.
  constexpr size_t kLongestBody = 8;
  const std::u32string_view window = text.substr(i + 1, kLongestBody + 1);
  const size_t semi = window.find(U';');
  if (semi == std::u32string_view::npos || semi == 0) return false;
  const std::u32string_view body = window.substr(0, semi);
  if (body[0] == U'#') {
    const bool hex = body.size() > 1 && (body[1] == U'x' || body[1] == U'X');
    const std::u32string_view digits = body.substr(hex ? 2 : 1);
    if (digits.empty()) return false;
    uint32_t value = 0;
    for (const char32_t c : digits) {
      uint32_t d = 0;
      if (c >= U'0' && c <= U'9')
        d = c - U'0';
      else if (hex && c >= U'a' && c <= U'f')
        d = c - U'a' + 10;
      else if (hex && c >= U'A' && c <= U'F')
        d = c - U'A' + 10;
      else
        return false;
      value = value * (hex ? 16 : 10) + d;
      if (value > 0x10FFFF) return false;
    }
    if (!IsScalar(value)) return false;
    *cp = value;
  } else {
    bool found = false;
    for (const NamedEntity& e : kNamed) {
      if (e.name == body) {
        *cp = e.cp;
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  *length = semi + 2;
  return true;
}

}  // namespace

std::u32string DecodeHtmlEntities(std::u32string_view text) {
  std::u32string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    char32_t cp = 0;
    size_t length = 0;
    if (text[i] == U'&' && ParseReference(text, i, &cp, &length)) {
      out.push_back(cp);
      i += length;
    } else {
      out.push_back(text[i]);
      ++i;
    }
  }
  return out;
}

}  // namespace strato::text
