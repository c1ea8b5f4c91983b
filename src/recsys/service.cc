#include "strato/recsys/service.h"

#include <Eigen/Dense>
#include <algorithm>
#include <charconv>
#include <chrono>
#include <fstream>
#include <mutex>

#include "strato/recsys/fold_in.h"
#include "strato/recsys/top_k.h"

namespace strato::recsys {
namespace {

using RowMajorF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

struct JournalEntry {
  int64_t user;
  int32_t item;  // dense index
  int64_t timestamp;
};

// Journal lines: "user<TAB>item<TAB>unix seconds". A last line without its
// newline is a write torn by a crash and is dropped.
StatusOr<std::vector<JournalEntry>> ReadJournal(const std::filesystem::path& path,
                                                int32_t n_items) {
  std::vector<JournalEntry> out;
  std::ifstream in(path, std::ios::binary);
  if (!in) return out;  // no journal yet
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t start = 0;
  int64_t line_no = 0;
  while (true) {
    const size_t end = text.find('\n', start);
    if (end == std::string::npos) break;
    ++line_no;
    const std::string_view line(text.data() + start, end - start);
    start = end + 1;
    if (line.empty()) continue;
    int64_t v[3] = {0, 0, 0};
    const char* p = line.data();
    const char* const e = line.data() + line.size();
    bool ok = true;
    for (int f = 0; f < 3 && ok; ++f) {
      const auto r = std::from_chars(p, e, v[f]);
      ok = r.ec == std::errc() && (f == 2 ? r.ptr == e : (r.ptr < e && *r.ptr == '\t'));
      p = r.ptr + 1;
    }
    if (!ok || v[0] < 1 || v[1] < 1 || v[1] > n_items) {
      return InvalidArgumentError("fold-in journal " + path.string() + ":" +
                                  std::to_string(line_no) +
                                  ": expected 'user<TAB>item<TAB>timestamp' with known item ids");
    }
    out.push_back({v[0], static_cast<int32_t>(v[1] - 1), v[2]});
  }
  return out;
}

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

StatusOr<std::unique_ptr<RecommenderService>> RecommenderService::Create(Catalogue catalogue,
                                                                         RatingSet data,
                                                                         ServiceOptions options) {
  if (catalogue.n_items() == 0) return InvalidArgumentError("recommender: empty catalogue");
  if (data.n_items > catalogue.n_items()) {
    return InvalidArgumentError("recommender: interactions name items beyond the catalogue");
  }
  data.n_items = catalogue.n_items();
  if (catalogue.genre_masks.size() != static_cast<size_t>(catalogue.n_items())) {
    catalogue.genre_masks.resize(static_cast<size_t>(catalogue.n_items()), 0);
  }
  std::vector<JournalEntry> journal;
  if (!options.journal.empty()) {
    ASSIGN_OR_RETURN(journal, ReadJournal(options.journal, catalogue.n_items()));
  }
  std::unique_ptr<RecommenderService> s(new RecommenderService(std::move(catalogue), options));
  // Rows: training users first (id = index + 1), then journal-only users.
  for (int32_t u = 0; u < data.n_users; ++u) s->user_rows_.emplace(u + 1, u);
  for (const JournalEntry& j : journal) {
    auto [it, added] = s->user_rows_.emplace(j.user, static_cast<int32_t>(s->user_rows_.size()));
    (void)added;
    data.ratings.push_back({it->second, j.item, 1.0f, j.timestamp});
  }
  data.n_users = static_cast<int32_t>(s->user_rows_.size());
  RETURN_IF_ERROR(s->model_.Fit(data));
  const int f = s->model_.factors();
  s->gramian_ = Gramian(s->model_.item_factors(), f);
  s->user_factors_ = s->model_.user_factors();
  s->histories_.assign(static_cast<size_t>(data.n_users), {});
  std::vector<Rating> sorted = data.ratings;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const Rating& a, const Rating& b) { return a.timestamp < b.timestamp; });
  s->popularity_.assign(static_cast<size_t>(data.n_items), 0.0f);
  for (const Rating& r : sorted) {
    s->histories_[r.user].push_back(r.item);
    s->popularity_[r.item] += 1.0f;
  }
  s->item_norms_.resize(static_cast<size_t>(data.n_items));
  for (int32_t i = 0; i < data.n_items; ++i) {
    s->item_norms_[i] = Eigen::Map<const Eigen::VectorXf>(
                            s->model_.item_factors().data() + static_cast<size_t>(i) * f, f)
                            .norm();
  }
  return s;
}

Status RecommenderService::CheckK(int32_t k) const {
  if (k < 1) return InvalidArgumentError("k must be at least 1, got " + std::to_string(k));
  if (k > n_items()) {
    return InvalidArgumentError("k=" + std::to_string(k) + " exceeds the catalogue of " +
                                std::to_string(n_items()) + " items");
  }
  return Status::Ok();
}

StatusOr<uint32_t> RecommenderService::GenreMask(const std::vector<std::string>& genres) const {
  uint32_t mask = 0;
  for (const std::string& g : genres) {
    const uint32_t bit = catalogue_.GenreBit(g);
    if (bit == 0) {
      std::string known;
      for (const std::string& n : catalogue_.genre_names) known += (known.empty() ? "" : ", ") + n;
      return InvalidArgumentError("unknown genre '" + g + "' (known: " + known + ")");
    }
    mask |= bit;
  }
  return mask;
}

StatusOr<std::vector<int32_t>> RecommenderService::ItemIndices(std::span<const int64_t> ids) const {
  std::vector<int32_t> out;
  for (const int64_t id : ids) {
    if (id < 1 || id > n_items()) {
      return InvalidArgumentError("item id " + std::to_string(id) +
                                  " is not in the catalogue (1.." + std::to_string(n_items()) +
                                  ")");
    }
    out.push_back(static_cast<int32_t>(id - 1));
  }
  return out;
}

std::vector<float> RecommenderService::FoldIn(std::span<const int32_t> items) const {
  const std::vector<float> confidence(items.size(), model_.Confidence(1.0f));
  return FoldInUser(model_.item_factors(), model_.factors(), gramian_, items, confidence,
                    model_.options().reg);
}

std::vector<Recommendation> RecommenderService::Select(std::span<const float> scores, int32_t k,
                                                       uint32_t genre_mask,
                                                       std::vector<bool> excluded) const {
  if (genre_mask != 0) {
    for (int32_t i = 0; i < n_items(); ++i) {
      if ((catalogue_.genre_masks[i] & genre_mask) == 0) excluded[i] = true;
    }
  }
  std::vector<Recommendation> out;
  for (const ScoredItem& s : TopKExcluding(scores, k, excluded)) {
    out.push_back({s.item + 1, catalogue_.titles[s.item], s.score});
  }
  return out;
}

StatusOr<RecommendResult> RecommenderService::Recommend(const RecommendQuery& query) const {
  RETURN_IF_ERROR(CheckK(query.k));
  ASSIGN_OR_RETURN(const uint32_t mask, GenreMask(query.genres));
  ASSIGN_OR_RETURN(const std::vector<int32_t> seeds, ItemIndices(query.seed_items));
  std::vector<bool> excluded(static_cast<size_t>(n_items()), false);
  for (const int64_t id : query.exclude) {
    if (id >= 1 && id <= n_items()) excluded[id - 1] = true;
  }
  for (const int32_t i : seeds) excluded[i] = true;
  const int f = model_.factors();
  std::vector<float> x;
  RecommendResult result;
  {
    std::shared_lock lock(mu_);
    const auto it = user_rows_.find(query.user);
    if (it != user_rows_.end() && !histories_[it->second].empty()) {
      for (const int32_t i : histories_[it->second]) excluded[i] = true;
      x.assign(user_factors_.begin() + static_cast<ptrdiff_t>(it->second) * f,
               user_factors_.begin() + static_cast<ptrdiff_t>(it->second + 1) * f);
      result.source = "personal";
    }
  }
  if (x.empty() && !seeds.empty()) {
    x = FoldIn(seeds);
    result.source = "seed-items";
  }
  if (x.empty()) {
    result.source = "popular";
    result.items = Select(popularity_, query.k, mask, std::move(excluded));
    return result;
  }
  std::vector<float> scores(static_cast<size_t>(n_items()));
  Eigen::Map<const RowMajorF> y(model_.item_factors().data(), n_items(), f);
  Eigen::Map<Eigen::VectorXf>(scores.data(), n_items()).noalias() =
      y * Eigen::Map<const Eigen::VectorXf>(x.data(), f);
  result.items = Select(scores, query.k, mask, std::move(excluded));
  return result;
}

StatusOr<RecommendResult> RecommenderService::SimilarItems(
    int64_t item, int32_t k, const std::vector<std::string>& genres,
    const std::vector<int64_t>& exclude) const {
  RETURN_IF_ERROR(CheckK(k));
  if (item < 1 || item > n_items()) {
    return NotFoundError("item id " + std::to_string(item) + " is not in the catalogue (1.." +
                         std::to_string(n_items()) + ")");
  }
  ASSIGN_OR_RETURN(const uint32_t mask, GenreMask(genres));
  const int f = model_.factors();
  const int32_t index = static_cast<int32_t>(item - 1);
  Eigen::Map<const RowMajorF> y(model_.item_factors().data(), n_items(), f);
  std::vector<float> scores(static_cast<size_t>(n_items()));
  Eigen::Map<Eigen::VectorXf> s(scores.data(), n_items());
  s.noalias() = y * y.row(index).transpose();
  const float own = std::max(item_norms_[index], 1e-12f);
  for (int32_t i = 0; i < n_items(); ++i) scores[i] /= own * std::max(item_norms_[i], 1e-12f);
  std::vector<bool> excluded(static_cast<size_t>(n_items()), false);
  excluded[index] = true;
  for (const int64_t id : exclude) {
    if (id >= 1 && id <= n_items()) excluded[id - 1] = true;
  }
  RecommendResult result;
  result.source = "similar-items";
  result.items = Select(scores, k, mask, std::move(excluded));
  return result;
}

Status RecommenderService::AppendJournal(int64_t user, std::span<const int32_t> items) const {
  if (options_.journal.empty()) return Status::Ok();
  std::string lines;
  const int64_t now = NowSeconds();
  for (const int32_t i : items) {
    lines +=
        std::to_string(user) + "\t" + std::to_string(i + 1) + "\t" + std::to_string(now) + "\n";
  }
  std::ofstream out(options_.journal, std::ios::binary | std::ios::app);
  out << lines;
  out.flush();
  if (!out)
    return InternalError("cannot append to the fold-in journal " + options_.journal.string());
  return Status::Ok();
}

Status RecommenderService::AddInteractions(int64_t user, std::span<const int64_t> items) {
  if (user < 1)
    return InvalidArgumentError("user id must be positive, got " + std::to_string(user));
  if (items.empty()) return Status::Ok();
  ASSIGN_OR_RETURN(const std::vector<int32_t> indices, ItemIndices(items));
  std::unique_lock lock(mu_);
  RETURN_IF_ERROR(AppendJournal(user, indices));
  auto [it, added] = user_rows_.emplace(user, static_cast<int32_t>(histories_.size()));
  const int f = model_.factors();
  if (added) {
    histories_.emplace_back();
    user_factors_.resize(user_factors_.size() + static_cast<size_t>(f), 0.0f);
  }
  std::vector<int32_t>& history = histories_[it->second];
  history.insert(history.end(), indices.begin(), indices.end());
  // Training sees each (user, item) pair once; so does the fold-in.
  std::vector<int32_t> unique = history;
  std::sort(unique.begin(), unique.end());
  unique.erase(std::unique(unique.begin(), unique.end()), unique.end());
  const std::vector<float> x = FoldIn(unique);
  std::copy(x.begin(), x.end(), user_factors_.begin() + static_cast<ptrdiff_t>(it->second) * f);
  return Status::Ok();
}

std::vector<int64_t> RecommenderService::History(int64_t user) const {
  std::shared_lock lock(mu_);
  std::vector<int64_t> out;
  const auto it = user_rows_.find(user);
  if (it == user_rows_.end()) return out;
  for (const int32_t i : histories_[it->second]) out.push_back(i + 1);
  return out;
}

std::vector<float> RecommenderService::UserFactors(int64_t user) const {
  std::shared_lock lock(mu_);
  const auto it = user_rows_.find(user);
  if (it == user_rows_.end()) return {};
  const int f = model_.factors();
  return {user_factors_.begin() + static_cast<ptrdiff_t>(it->second) * f,
          user_factors_.begin() + static_cast<ptrdiff_t>(it->second + 1) * f};
}

}  // namespace strato::recsys
