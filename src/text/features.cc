#include "strato/text/features.h"

#include <algorithm>

#include "strato/text/utf8.h"

namespace strato::text {
namespace {

constexpr uint64_t kFnvOffset = 0xcbf29ce484222325ull;
constexpr uint64_t kFnvPrime = 0x100000001b3ull;
constexpr unsigned char kSeparator = 0x1F;  // never inside a token (a control char)
constexpr unsigned char kWordKind = 'w';
constexpr unsigned char kCharKind = 'c';

uint64_t FnvByte(uint64_t h, unsigned char b) { return (h ^ b) * kFnvPrime; }

uint64_t FnvBytes(uint64_t h, std::string_view s) {
  for (const char c : s) h = FnvByte(h, static_cast<unsigned char>(c));
  return h;
}

// FNV-1a mixes the low bits poorly for bucketing; finish with the
// splitmix64 finaliser.
uint64_t Finish(uint64_t h) {
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  h ^= h >> 31;
  return h;
}

void AppendCharNgrams(const std::string& token, uint32_t position, const NgramOptions& options,
                      std::vector<Ngram>* out) {
  auto decoded = DecodeUtf8(token);
  if (!decoded.ok()) return;  // tokens come from valid UTF-8; defensive only
  std::u32string cps = U"<" + *decoded + U">";
  for (int n = options.char_min; n <= options.char_max; ++n) {
    const size_t len = static_cast<size_t>(n);
    if (len > cps.size()) break;
    for (size_t start = 0; start + len <= cps.size(); ++start) {
      if (len == cps.size() && n > 1) continue;  // the whole "<word>" is the word feature's job
      uint64_t h = FnvByte(kFnvOffset, kCharKind);
      for (size_t k = start; k < start + len; ++k) {
        std::string utf8;
        AppendUtf8(cps[k], &utf8);
        h = FnvBytes(h, utf8);
      }
      out->push_back({Finish(h), position, 1});
    }
  }
}

}  // namespace

Status NgramOptions::Validate() const {
  if (word_min < 0 || word_max < word_min || word_max > 5) {
    return InvalidArgumentError("word n-gram orders must satisfy 0 <= min <= max <= 5, not " +
                                std::to_string(word_min) + ".." + std::to_string(word_max));
  }
  if (char_min < 0 || char_max < char_min || char_max > 8 || (char_min == 0 && char_max != 0)) {
    return InvalidArgumentError(
        "character n-gram lengths must satisfy 1 <= min <= max <= 8 (or both 0), not " +
        std::to_string(char_min) + ".." + std::to_string(char_max));
  }
  if (word_max == 0 && char_max == 0)
    return InvalidArgumentError("no word or character n-grams selected");
  return Status::Ok();
}

uint64_t HashWordNgram(std::span<const std::string> tokens) {
  uint64_t h = FnvByte(kFnvOffset, kWordKind);
  for (size_t k = 0; k < tokens.size(); ++k) {
    if (k > 0) h = FnvByte(h, kSeparator);
    h = FnvBytes(h, tokens[k]);
  }
  return Finish(h);
}

void ExtractNgrams(std::span<const std::string> tokens, const NgramOptions& options,
                   std::vector<Ngram>* out) {
  if (options.word_max > 0) {
    const size_t lo = static_cast<size_t>(std::max(options.word_min, 1));
    const size_t hi = static_cast<size_t>(options.word_max);
    for (size_t start = 0; start < tokens.size(); ++start) {
      for (size_t n = lo; n <= hi && start + n <= tokens.size(); ++n) {
        out->push_back({HashWordNgram(tokens.subspan(start, n)), static_cast<uint32_t>(start),
                        static_cast<uint32_t>(n)});
      }
    }
  }
  if (options.char_max > 0) {
    for (size_t k = 0; k < tokens.size(); ++k) {
      AppendCharNgrams(tokens[k], static_cast<uint32_t>(k), options, out);
    }
  }
}

Vocabulary Vocabulary::Build(const std::unordered_map<uint64_t, uint32_t>& document_counts,
                             uint32_t min_count, size_t max_size) {
  std::vector<std::pair<uint32_t, uint64_t>> kept;  // (count, hash)
  for (const auto& [hash, count] : document_counts) {
    if (count >= min_count) kept.emplace_back(count, hash);
  }
  return FromSortedCounts(std::move(kept), max_size);
}

Vocabulary Vocabulary::BuildFromOccurrences(std::vector<uint64_t> distinct_per_text,
                                            uint32_t min_count, size_t max_size) {
  // Sorting and counting runs beats a node-based map by a wide margin here.
  std::sort(distinct_per_text.begin(), distinct_per_text.end());
  std::vector<std::pair<uint32_t, uint64_t>> kept;
  for (size_t i = 0; i < distinct_per_text.size();) {
    size_t j = i + 1;
    while (j < distinct_per_text.size() && distinct_per_text[j] == distinct_per_text[i]) ++j;
    if (j - i >= min_count) kept.emplace_back(static_cast<uint32_t>(j - i), distinct_per_text[i]);
    i = j;
  }
  return FromSortedCounts(std::move(kept), max_size);
}

Vocabulary Vocabulary::FromSortedCounts(std::vector<std::pair<uint32_t, uint64_t>> kept,
                                        size_t max_size) {
  std::sort(kept.begin(), kept.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  if (max_size != 0 && kept.size() > max_size) kept.resize(max_size);
  std::vector<uint64_t> hashes;
  hashes.reserve(kept.size());
  for (const auto& entry : kept) hashes.push_back(entry.second);
  return *FromHashes(std::move(hashes));  // distinct by construction
}

StatusOr<Vocabulary> Vocabulary::FromHashes(std::vector<uint64_t> hashes) {
  Vocabulary v;
  size_t capacity = 16;
  while (capacity < hashes.size() * 2) capacity *= 2;
  v.slots_.assign(capacity, 0);
  v.mask_ = capacity - 1;
  v.hashes_ = std::move(hashes);
  for (size_t i = 0; i < v.hashes_.size(); ++i) {
    uint64_t slot = v.hashes_[i] & v.mask_;
    while (v.slots_[slot] != 0) {
      if (v.hashes_[v.slots_[slot] - 1] == v.hashes_[i]) {
        return InvalidArgumentError("vocabulary repeats an entry at id " + std::to_string(i));
      }
      slot = (slot + 1) & v.mask_;
    }
    v.slots_[slot] = static_cast<uint32_t>(i + 1);
  }
  return v;
}

int64_t Vocabulary::Find(uint64_t hash) const {
  if (hashes_.empty()) return -1;
  for (uint64_t slot = hash & mask_;; slot = (slot + 1) & mask_) {
    const uint32_t entry = slots_[slot];
    if (entry == 0) return -1;
    if (hashes_[entry - 1] == hash) return static_cast<int64_t>(entry) - 1;
  }
}

Featurizer::Featurizer(TokenizerOptions tokenizer, NgramOptions ngrams, Vocabulary vocabulary)
    : tokenizer_(tokenizer), ngrams_(ngrams), vocabulary_(std::move(vocabulary)) {}

Featurizer::Featurizer(TokenizerOptions tokenizer, NgramOptions ngrams, uint32_t buckets)
    : tokenizer_(tokenizer), ngrams_(ngrams), buckets_(buckets) {}

StatusOr<FeaturizedText> Featurizer::Featurize(std::string_view text) const {
  FeaturizedText out;
  ASSIGN_OR_RETURN(out.tokens, tokenizer_.Tokenize(text));
  std::vector<Ngram> ngrams;
  ExtractNgrams(out.tokens, ngrams_, &ngrams);
  out.ids.reserve(ngrams.size());
  out.first_token.reserve(ngrams.size());
  out.token_count.reserve(ngrams.size());
  for (const Ngram& g : ngrams) {
    int64_t id = -1;
    if (buckets_ != 0) {
      id = static_cast<int64_t>(g.hash % buckets_);
    } else {
      id = vocabulary_.Find(g.hash);
    }
    if (id < 0) continue;
    out.ids.push_back(static_cast<uint32_t>(id));
    out.first_token.push_back(g.first_token);
    out.token_count.push_back(g.token_count);
  }
  return out;
}

}  // namespace strato::text
