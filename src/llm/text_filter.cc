#include "text_filter.h"

#include <algorithm>

namespace strato::llm {

size_t CompleteUtf8Prefix(std::string_view text) {
  // Look back at most 3 bytes for the lead byte of the last character.
  const size_t n = text.size();
  for (size_t back = 1; back <= std::min<size_t>(n, 4); ++back) {
    const auto c = static_cast<unsigned char>(text[n - back]);
    if ((c & 0xC0) == 0x80) continue;  // continuation byte
    size_t need = 1;
    if ((c & 0xE0) == 0xC0) need = 2;
    else if ((c & 0xF0) == 0xE0) need = 3;
    else if ((c & 0xF8) == 0xF0) need = 4;
    return back >= need ? n : n - back;
  }
  return n;  // only continuation bytes: not ours to fix, release them
}

std::string TextFilter::Push(std::string_view piece) {
  if (stopped_) return {};
  held_.append(piece);
  size_t first_stop = std::string::npos;
  for (const auto& s : stop_) {
    if (s.empty()) continue;
    first_stop = std::min(first_stop, held_.find(s));
  }
  if (first_stop != std::string::npos) {
    stopped_ = true;
    std::string out = held_.substr(0, first_stop);
    held_.clear();
    return out;
  }
  // Keep the longest tail that is a proper prefix of some stop string.
  size_t keep = 0;
  for (const auto& s : stop_) {
    for (size_t len = std::min(s.size() - 1, held_.size()); len > keep; --len) {
      if (held_.compare(held_.size() - len, len, s, 0, len) == 0) {
        keep = len;
        break;
      }
    }
  }
  size_t release = CompleteUtf8Prefix(std::string_view(held_).substr(0, held_.size() - keep));
  std::string out = held_.substr(0, release);
  held_.erase(0, release);
  return out;
}

std::string TextFilter::Flush() {
  if (stopped_) return {};
  std::string out = std::move(held_);
  held_.clear();
  return out;
}

}  // namespace strato::llm
