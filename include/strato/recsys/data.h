// Interaction data for recommenders: ratings, the per-user / per-item sparse
// views the trainers walk, and the item catalogue (titles and genres).
//
// Users and items are dense indices 0..n-1 inside the library; readers map
// the external ids (MovieLens: 1-based) onto them.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace strato::recsys {

struct Rating {
  int32_t user = 0;
  int32_t item = 0;
  float value = 0;
  int64_t timestamp = 0;
};

struct RatingSet {
  std::vector<Rating> ratings;
  int32_t n_users = 0;
  int32_t n_items = 0;
};

// Compressed sparse rows: row r owns cols[offsets[r]..offsets[r+1]) and the
// matching values. Built once from a RatingSet; immutable afterwards.
class SparseRows {
 public:
  SparseRows() = default;
  // One row per user (columns are items).
  static SparseRows ByUser(const RatingSet& set);
  // One row per item (columns are users).
  static SparseRows ByItem(const RatingSet& set);

  int32_t rows() const { return static_cast<int32_t>(offsets_.size()) - 1; }
  std::span<const int32_t> cols(int32_t row) const {
    return {cols_.data() + offsets_[row], static_cast<size_t>(offsets_[row + 1] - offsets_[row])};
  }
  std::span<const float> values(int32_t row) const {
    return {values_.data() + offsets_[row], static_cast<size_t>(offsets_[row + 1] - offsets_[row])};
  }
  int64_t nnz() const { return static_cast<int64_t>(cols_.size()); }

 private:
  static SparseRows Build(const RatingSet& set, bool by_user);

  std::vector<int64_t> offsets_{0};
  std::vector<int32_t> cols_;
  std::vector<float> values_;
};

// Item attributes used by filters and shown to people.
struct Catalogue {
  std::vector<std::string> titles;       // by item index
  std::vector<uint32_t> genre_masks;     // bit g set = item has genre_names[g]
  std::vector<std::string> genre_names;  // at most 32

  int32_t n_items() const { return static_cast<int32_t>(titles.size()); }
  // Bit of the genre named `name` (case-insensitive), or 0 when unknown.
  uint32_t GenreBit(std::string_view name) const;
  // Names of the genres in `mask`, joined with '|'.
  std::string GenreList(uint32_t mask) const;
};

// Mean rating of a set (0 for an empty set).
double MeanRating(const RatingSet& set);

}  // namespace strato::recsys
