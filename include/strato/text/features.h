// Word and character n-grams of tokenized text, mapped to feature ids either
// through a vocabulary learned from training data (limited by document
// frequency and size) or by hashing into a fixed number of buckets.
//
// Each n-gram is first reduced to a stable 64-bit hash (FNV-1a over its
// tokens with separators, then a 64-bit finaliser), so a vocabulary stores
// 8 bytes per entry and the model file needs no strings; explanations map
// features back to words through the token positions kept with each
// feature, not through the vocabulary.
//
// Thread-safety: Featurizer::Featurize is const and may be called from many
// threads.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "strato/core/status.h"
#include "strato/text/tokenizer.h"

namespace strato::text {

struct NgramOptions {
  int word_min = 1;  // word n-gram orders, inclusive (0 = no word n-grams)
  int word_max = 2;
  int char_min = 0;  // character n-gram lengths inside "<word>", 0 = off
  int char_max = 0;

  Status Validate() const;
};

// One n-gram occurrence: its hash and the tokens it covers.
struct Ngram {
  uint64_t hash = 0;
  uint32_t first_token = 0;
  uint32_t token_count = 0;
};

// Appends the n-grams of `tokens` to `out`, word n-grams first (by position,
// then order), then character n-grams.
void ExtractNgrams(std::span<const std::string> tokens, const NgramOptions& options,
                   std::vector<Ngram>* out);

// Hash of a word n-gram (the tokens in order).
uint64_t HashWordNgram(std::span<const std::string> tokens);

// Maps n-gram hashes to dense ids 0..size()-1. Lookups probe an
// open-addressing table (linear probing, load <= 1/2): Find is on the
// serving path once per n-gram.
class Vocabulary {
 public:
  Vocabulary() = default;
  // Keeps the hashes counted in at least `min_count` texts, the `max_size`
  // most frequent of them (0 = all); ids follow descending count, ties by
  // hash, so the result does not depend on map iteration order.
  static Vocabulary Build(const std::unordered_map<uint64_t, uint32_t>& document_counts,
                          uint32_t min_count, size_t max_size);
  // Same, from every text's distinct hashes concatenated (any order).
  static Vocabulary BuildFromOccurrences(std::vector<uint64_t> distinct_per_text,
                                         uint32_t min_count, size_t max_size);
  // Restores a vocabulary saved as its hashes in id order.
  static StatusOr<Vocabulary> FromHashes(std::vector<uint64_t> hashes);

  // The id of `hash`, or -1 when it is not in the vocabulary.
  int64_t Find(uint64_t hash) const;
  size_t size() const { return hashes_.size(); }
  const std::vector<uint64_t>& hashes() const { return hashes_; }

 private:
  static Vocabulary FromSortedCounts(std::vector<std::pair<uint32_t, uint64_t>> kept,
                                     size_t max_size);

  std::vector<uint64_t> hashes_;
  // Open addressing: slots_[i] = id + 1 of the hash stored there, 0 = empty.
  std::vector<uint32_t> slots_;
  uint64_t mask_ = 0;
};

// A text turned into features: the tokens, and for every n-gram occurrence
// that has an id (duplicates kept, in extraction order) the id and the
// tokens it covers.
struct FeaturizedText {
  std::vector<std::string> tokens;
  std::vector<uint32_t> ids;
  std::vector<uint32_t> first_token;
  std::vector<uint32_t> token_count;
};

// Tokenizer + n-grams + id mapping: the one path from text to features used
// by training and serving.
class Featurizer {
 public:
  // Vocabulary mode.
  Featurizer(TokenizerOptions tokenizer, NgramOptions ngrams, Vocabulary vocabulary);
  // Hashing mode: id = hash mod `buckets` (buckets > 0).
  Featurizer(TokenizerOptions tokenizer, NgramOptions ngrams, uint32_t buckets);

  // Errors are the tokenizer's (invalid UTF-8, text too long).
  StatusOr<FeaturizedText> Featurize(std::string_view text) const;

  // Feature ids range over 0..dimension()-1.
  size_t dimension() const { return buckets_ != 0 ? buckets_ : vocabulary_.size(); }
  const Tokenizer& tokenizer() const { return tokenizer_; }
  const NgramOptions& ngrams() const { return ngrams_; }
  const Vocabulary& vocabulary() const { return vocabulary_; }
  uint32_t buckets() const { return buckets_; }

 private:
  Tokenizer tokenizer_;
  NgramOptions ngrams_;
  Vocabulary vocabulary_;
  uint32_t buckets_ = 0;
};

}  // namespace strato::text
