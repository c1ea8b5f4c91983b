// Decides which generated text may be shown yet: holds back an incomplete
// UTF-8 sequence at the end, and any tail that could be the start of a stop
// string; reports when a stop string has appeared (the text before it is
// released, the stop string and everything after it are dropped).
//
// Thread-safety: none; one per sequence.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace strato::llm {

class TextFilter {
 public:
  explicit TextFilter(std::vector<std::string> stop = {}) : stop_(std::move(stop)) {}

  // Appends a token's bytes; returns the text that can be released now.
  // After a stop string matched, stopped() is true and nothing more is released.
  std::string Push(std::string_view piece);
  // Releases what is still held (end of generation without a stop match).
  std::string Flush();
  bool stopped() const { return stopped_; }

 private:
  std::vector<std::string> stop_;
  std::string held_;
  bool stopped_ = false;
};

// Length of the longest prefix of `text` that ends on a UTF-8 character
// boundary (an incomplete multi-byte sequence at the end is excluded).
size_t CompleteUtf8Prefix(std::string_view text);

}  // namespace strato::llm
