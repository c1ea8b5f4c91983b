// RecommenderService: the serving side of the recommenders.
//
// Holds a weighted-ALS model trained on a catalogue's interactions and
// answers top-k queries (excluding the user's items and request-given
// exclusions, filtered by genre), similar-item queries, and cold-start
// queries (popular items, or items like those the request lists). New
// interactions are folded in at once: the user's factors are re-solved with
// the item factors fixed (fold_in.h), and appended to a journal file that is
// replayed at start-up and included in the next training.
//
// Ids: items are 1..n_items (catalogue order, MovieLens ids); users are any
// positive id (ids 1..n_users are the training users; others are new).
//
// Thread-safety: every method may be called from any thread; queries share
// a lock, AddInteractions takes it exclusively.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <shared_mutex>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "strato/core/status.h"
#include "strato/recsys/data.h"
#include "strato/recsys/implicit_models.h"

namespace strato::recsys {

struct RecommendQuery {
  int64_t user = 0;  // 0 or unknown: cold start
  int32_t k = 10;
  std::vector<int64_t> exclude;     // item ids never returned (unknown ids are ignored)
  std::vector<std::string> genres;  // keep items with any of these genres (empty: all)
  std::vector<int64_t> seed_items;  // cold start: recommend like these items
};

struct Recommendation {
  int64_t item = 0;
  std::string title;
  float score = 0;
};

struct RecommendResult {
  std::vector<Recommendation> items;
  // "personal", "seed-items" (cold start from the request's items),
  // "popular" (cold start without items) or "similar-items".
  std::string source;
};

struct ServiceOptions {
  WalsOptions wals;
  std::filesystem::path journal;  // empty: fold-ins are not persisted
};

class RecommenderService {
 public:
  // Trains on `data` (dense indices; users 0..n_users-1 are ids 1..n_users)
  // plus the journal's interactions, then replays the journal's histories.
  static StatusOr<std::unique_ptr<RecommenderService>> Create(Catalogue catalogue, RatingSet data,
                                                              ServiceOptions options);

  StatusOr<RecommendResult> Recommend(const RecommendQuery& query) const;
  // Items whose factors are closest in cosine to `item`'s.
  StatusOr<RecommendResult> SimilarItems(int64_t item, int32_t k,
                                         const std::vector<std::string>& genres,
                                         const std::vector<int64_t>& exclude) const;
  // Adds interactions of `user` with `items`, persists them, and re-solves
  // the user's factors. Unknown item ids are refused (nothing is added).
  Status AddInteractions(int64_t user, std::span<const int64_t> items);

  // The user's items (ids), oldest first; empty for unknown users.
  std::vector<int64_t> History(int64_t user) const;
  int32_t n_items() const { return catalogue_.n_items(); }
  const Catalogue& catalogue() const { return catalogue_; }
  // Factors of a known user (empty when unknown). For tests.
  std::vector<float> UserFactors(int64_t user) const;
  const WalsModel& model() const { return model_; }

 private:
  RecommenderService(Catalogue catalogue, ServiceOptions options)
      : catalogue_(std::move(catalogue)), options_(std::move(options)), model_(options_.wals) {}

  Status CheckK(int32_t k) const;
  StatusOr<uint32_t> GenreMask(const std::vector<std::string>& genres) const;
  StatusOr<std::vector<int32_t>> ItemIndices(std::span<const int64_t> ids) const;
  std::vector<float> FoldIn(std::span<const int32_t> items) const;
  // Top-k of `scores` honouring the seen/excluded items and the genre mask.
  std::vector<Recommendation> Select(std::span<const float> scores, int32_t k, uint32_t genre_mask,
                                     std::vector<bool> excluded) const;
  Status AppendJournal(int64_t user, std::span<const int32_t> items) const;

  Catalogue catalogue_;
  ServiceOptions options_;
  WalsModel model_;
  std::vector<double> gramian_;  // item factors' Y^T Y, fixed after training
  std::vector<float> popularity_;
  std::vector<float> item_norms_;

  mutable std::shared_mutex mu_;
  std::unordered_map<int64_t, int32_t> user_rows_;  // id -> row
  std::vector<std::vector<int32_t>> histories_;     // by row
  std::vector<float> user_factors_;                 // rows x f
};

// A small MovieLens-shaped data set generated from latent tastes (seeded):
// used by the demo when the real MovieLens files are absent.
struct SyntheticCatalogue {
  Catalogue catalogue;
  RatingSet ratings;
};
SyntheticCatalogue MakeSyntheticCatalogue(int32_t users, int32_t items, uint64_t seed);

}  // namespace strato::recsys
