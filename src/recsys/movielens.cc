#include "strato/recsys/movielens.h"

#include <charconv>
#include <fstream>
#include <string>

namespace strato::recsys {
namespace {

namespace fs = std::filesystem;

template <typename T>
bool ParseField(std::string_view s, T* out) {
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

std::vector<std::string_view> SplitLine(std::string_view line, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    const size_t at = line.find(sep, start);
    out.push_back(line.substr(start, at == std::string_view::npos ? line.npos : at - start));
    if (at == std::string_view::npos) break;
    start = at + 1;
  }
  return out;
}

std::string_view TrimCr(std::string_view s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

}  // namespace

StatusOr<RatingSet> ReadRatingsFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError("cannot open ratings file " + path.string());
  RatingSet set;
  std::string line;
  int64_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    const std::string_view l = TrimCr(line);
    if (l.empty()) continue;
    const auto f = SplitLine(l, '\t');
    int64_t user = 0, item = 0, ts = 0;
    float value = 0;
    if (f.size() != 4 || !ParseField(f[0], &user) || !ParseField(f[1], &item) ||
        !ParseField(f[2], &value) || !ParseField(f[3], &ts) || user < 1 || item < 1 ||
        user > INT32_MAX || item > INT32_MAX) {
      return InvalidArgumentError(path.string() + ":" + std::to_string(line_no) +
                                  ": expected 'user<TAB>item<TAB>rating<TAB>timestamp' with "
                                  "positive integer ids");
    }
    Rating r;
    r.user = static_cast<int32_t>(user - 1);
    r.item = static_cast<int32_t>(item - 1);
    r.value = value;
    r.timestamp = ts;
    set.n_users = std::max(set.n_users, r.user + 1);
    set.n_items = std::max(set.n_items, r.item + 1);
    set.ratings.push_back(r);
  }
  return set;
}

StatusOr<Catalogue> ReadMovieLensItems(const fs::path& dir) {
  Catalogue cat;
  {
    std::ifstream in(dir / "u.genre", std::ios::binary);
    if (!in) return NotFoundError("cannot open " + (dir / "u.genre").string());
    std::string line;
    while (std::getline(in, line)) {
      const std::string_view l = TrimCr(line);
      if (l.empty()) continue;
      const auto f = SplitLine(l, '|');
      int index = 0;
      if (f.size() != 2 || !ParseField(f[1], &index) ||
          index != static_cast<int>(cat.genre_names.size())) {
        return InvalidArgumentError((dir / "u.genre").string() +
                                    ": expected 'name|index' lines in order");
      }
      cat.genre_names.emplace_back(f[0]);
    }
    if (cat.genre_names.size() > 32) return InvalidArgumentError("more than 32 genres in u.genre");
  }
  const fs::path path = dir / "u.item";
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError("cannot open " + path.string());
  std::string line;
  int64_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    const std::string_view l = TrimCr(line);
    if (l.empty()) continue;
    const auto f = SplitLine(l, '|');
    int64_t id = 0;
    if (f.size() != 5 + cat.genre_names.size() || !ParseField(f[0], &id) ||
        id != static_cast<int64_t>(cat.titles.size()) + 1) {
      return InvalidArgumentError(path.string() + ":" + std::to_string(line_no) +
                                  ": expected 'id|title|release|video|url|<genre flags>' with "
                                  "ids 1, 2, 3, ... in order");
    }
    uint32_t mask = 0;
    for (size_t g = 0; g < cat.genre_names.size(); ++g) {
      if (f[5 + g] == "1") mask |= 1u << g;
    }
    cat.titles.emplace_back(f[1]);
    cat.genre_masks.push_back(mask);
  }
  return cat;
}

StatusOr<MovieLens> ReadMovieLens(const fs::path& dir) {
  MovieLens ml;
  ASSIGN_OR_RETURN(ml.all, ReadRatingsFile(dir / "u.data"));
  ASSIGN_OR_RETURN(ml.catalogue, ReadMovieLensItems(dir));
  if (ml.all.n_items > ml.catalogue.n_items()) {
    return InvalidArgumentError("u.data names item " + std::to_string(ml.all.n_items) +
                                " but u.item lists only " + std::to_string(ml.catalogue.n_items()));
  }
  ml.all.n_items = ml.catalogue.n_items();
  return ml;
}

StatusOr<std::pair<RatingSet, RatingSet>> ReadMovieLensFold(const fs::path& dir, int fold,
                                                            const RatingSet& like) {
  if (fold < 1 || fold > 5) return InvalidArgumentError("fold must be 1..5");
  // Built with append: GCC 12 misreports `"u" + std::to_string(fold)` under -O3 (-Wrestrict).
  std::string stem = "u";
  stem.append(std::to_string(fold));
  ASSIGN_OR_RETURN(RatingSet base, ReadRatingsFile(dir / (stem + ".base")));
  ASSIGN_OR_RETURN(RatingSet test, ReadRatingsFile(dir / (stem + ".test")));
  for (RatingSet* s : {&base, &test}) {
    if (s->n_users > like.n_users || s->n_items > like.n_items) {
      return InvalidArgumentError(stem + " names ids beyond u.data / u.item");
    }
    s->n_users = like.n_users;
    s->n_items = like.n_items;
  }
  return std::make_pair(std::move(base), std::move(test));
}

}  // namespace strato::recsys
