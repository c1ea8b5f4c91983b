// Readers for the MovieLens 100K release files (GroupLens): u.data and the
// u1..u5 / ua / ub folds (user \t item \t rating \t timestamp) and u.item
// (id|title|release|video release|url|19 genre flags). External ids are
// 1-based; the readers store id-1 as the dense index.
#pragma once

#include <filesystem>
#include <utility>

#include "strato/core/status.h"
#include "strato/recsys/data.h"

namespace strato::recsys {

// Reads a tab-separated ratings file. n_users/n_items of the result are the
// largest ids seen (callers widen them to the catalogue's size).
StatusOr<RatingSet> ReadRatingsFile(const std::filesystem::path& path);

// Reads u.item (Latin-1 titles are kept byte for byte) and u.genre names.
StatusOr<Catalogue> ReadMovieLensItems(const std::filesystem::path& dir);

struct MovieLens {
  RatingSet all;  // u.data
  Catalogue catalogue;
};

// u.data + u.item of a MovieLens 100K folder; sizes cover both files.
StatusOr<MovieLens> ReadMovieLens(const std::filesystem::path& dir);

// u<fold>.base / u<fold>.test (fold 1..5), sized like `like`.
StatusOr<std::pair<RatingSet, RatingSet>> ReadMovieLensFold(const std::filesystem::path& dir,
                                                            int fold, const RatingSet& like);

}  // namespace strato::recsys
