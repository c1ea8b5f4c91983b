#include "strato/features/transform.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <set>

#include "transform_steps.h"

namespace strato::features {
namespace {


std::vector<size_t> AllRows(const Table& table, const std::vector<size_t>& rows) {
  if (!rows.empty()) return rows;
  std::vector<size_t> all(table.rows);
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  return all;
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

bool Contains(const std::vector<std::string>& items, std::string_view s) {
  return std::find(items.begin(), items.end(), s) != items.end();
}

// Replaces column `name` by `added` (placed where it was).
void ReplaceColumn(Table* table, const std::string& name, std::vector<Column> added) {
  const int at = table->IndexOf(name);
  auto pos = table->columns.erase(table->columns.begin() + at);
  table->columns.insert(pos, std::make_move_iterator(added.begin()),
                        std::make_move_iterator(added.end()));
}

}  // namespace

const std::vector<std::string>& KnownStepKinds() {
  static const std::vector<std::string> kinds = {"standardise", "one_hot", "hash", "window"};
  return kinds;
}

const std::vector<std::string>& KnownWindowStats() {
  static const std::vector<std::string> stats = {"mean", "std", "min", "max", "slope"};
  return stats;
}

std::string CellText(const Column& column, size_t row) {
  if (column.type == ColumnType::kString) return column.strings[row];
  const double v = column.numbers[row];
  if (std::isnan(v)) return "";
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.17g", v);
  return buf;
}

uint64_t Fnv1a(std::string_view text) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

Status ValidateTransformSpec(const TransformSpec& spec, const Table& table) {
  std::map<std::string, ColumnType> cols;
  for (const Column& c : table.columns) cols[c.name] = c.type;
  auto need = [&](const std::string& where, const std::string& name, bool numeric) -> Status {
    auto it = cols.find(name);
    if (it == cols.end()) {
      return InvalidArgumentError(where + ": column '" + name + "' is not in the data (columns: " +
                                  table.ColumnNames() + ")");
    }
    if (numeric && it->second != ColumnType::kNumber) {
      return InvalidArgumentError(where + ": column '" + name + "' holds text, not numbers");
    }
    return Status::Ok();
  };
  for (size_t i = 0; i < spec.steps.size(); ++i) {
    const StepSpec& s = spec.steps[i];
    const std::string where = "transforms[" + std::to_string(i) + "] (" + s.kind + ")";
    if (!Contains(KnownStepKinds(), s.kind)) {
      return InvalidArgumentError("transforms[" + std::to_string(i) + "]: unknown transform '" +
                                  s.kind + "' (known: " + Join(KnownStepKinds()) + ")");
    }
    if (s.columns.empty()) return InvalidArgumentError(where + ": 'columns' is empty");
    const bool numeric = s.kind == "standardise" || s.kind == "window";
    for (const auto& c : s.columns) RETURN_IF_ERROR(need(where, c, numeric));
    if (s.kind == "one_hot" && s.max_categories < 1) {
      return InvalidArgumentError(where + ": max_categories must be >= 1");
    }
    if (s.kind == "hash" && (s.buckets < 1 || s.buckets > 1 << 20)) {
      return InvalidArgumentError(where + ": buckets must be between 1 and 1048576");
    }
    if (s.kind == "one_hot" || s.kind == "hash") {
      for (const auto& c : s.columns) cols.erase(c);
    }
    if (s.kind == "window") {
      RETURN_IF_ERROR(need(where + " entity", s.entity, false));
      RETURN_IF_ERROR(need(where + " time", s.time, true));
      if (s.lags.empty() && s.sizes.empty()) {
        return InvalidArgumentError(where + ": give 'lags' or 'sizes' (else it adds nothing)");
      }
      for (int lag : s.lags) {
        if (lag < 1) return InvalidArgumentError(where + ": lags must be >= 1");
      }
      for (int size : s.sizes) {
        if (size < 2) return InvalidArgumentError(where + ": window sizes must be >= 2");
      }
      if (!s.sizes.empty() && s.stats.empty()) {
        return InvalidArgumentError(where + ": 'stats' is empty (use " +
                                    Join(KnownWindowStats()) + ")");
      }
      for (const auto& st : s.stats) {
        if (!Contains(KnownWindowStats(), st)) {
          return InvalidArgumentError(where + ": unknown statistic '" + st + "' (known: " +
                                      Join(KnownWindowStats()) + ")");
        }
      }
    }
  }
  return Status::Ok();
}

StatusOr<FeatureTransform::Fitted> FitStep(const StepSpec& step, const Table& table,
                                           const std::vector<size_t>& rows_in) {
  FeatureTransform::Fitted fitted;
  const std::vector<size_t> rows = AllRows(table, rows_in);
  for (const std::string& name : step.columns) {
    const Column* c = table.Find(name);
    if (c == nullptr) return InvalidArgumentError(step.kind + ": column '" + name + "' is missing");
    if (step.kind == "standardise") {
      double sum = 0, sq = 0;
      size_t n = 0;
      for (size_t r : rows) {
        const double v = c->numbers[r];
        if (std::isnan(v)) continue;
        sum += v;
        ++n;
      }
      const double mean = n > 0 ? sum / static_cast<double>(n) : 0.0;
      for (size_t r : rows) {
        const double v = c->numbers[r];
        if (!std::isnan(v)) sq += (v - mean) * (v - mean);
      }
      double sd = n > 1 ? std::sqrt(sq / static_cast<double>(n - 1)) : 1.0;
      if (!(sd > 0)) sd = 1.0;  // a constant column stays finite
      fitted.means.push_back(mean);
      fitted.sds.push_back(sd);
    } else if (step.kind == "one_hot") {
      std::map<std::string, size_t> counts;
      for (size_t r : rows) {
        if (!c->IsMissing(r)) ++counts[CellText(*c, r)];
      }
      std::vector<std::pair<std::string, size_t>> sorted(counts.begin(), counts.end());
      std::stable_sort(sorted.begin(), sorted.end(),
                       [](const auto& a, const auto& b) { return a.second > b.second; });
      std::vector<std::string> cats;
      for (const auto& [text, n] : sorted) {
        if (cats.size() >= static_cast<size_t>(step.max_categories)) break;
        cats.push_back(text);
      }
      fitted.categories.push_back(std::move(cats));
    }
  }
  return fitted;
}

Status ApplyStep(const StepSpec& step, const FeatureTransform::Fitted& fitted, Table* table) {
  if (step.kind == "window") return ApplyWindow(step, table);
  for (size_t k = 0; k < step.columns.size(); ++k) {
    const std::string& name = step.columns[k];
    Column* c = table->Find(name);
    if (c == nullptr) return InvalidArgumentError(step.kind + ": column '" + name + "' is missing");
    if (step.kind == "standardise") {
      if (c->type != ColumnType::kNumber || k >= fitted.means.size()) {
        return InvalidArgumentError("standardise: column '" + name + "' must be numeric");
      }
      for (double& v : c->numbers) v = (v - fitted.means[k]) / fitted.sds[k];
    } else if (step.kind == "one_hot") {
      if (k >= fitted.categories.size()) return InternalError("one_hot: not fitted");
      const auto& cats = fitted.categories[k];
      std::vector<Column> added;
      for (const std::string& cat : cats) {
        added.push_back({name + "=" + cat, ColumnType::kNumber,
                         std::vector<double>(table->rows, 0.0), {}});
      }
      std::map<std::string, size_t, std::less<>> index;
      for (size_t i = 0; i < cats.size(); ++i) index[cats[i]] = i;
      for (size_t r = 0; r < table->rows; ++r) {
        if (c->IsMissing(r)) continue;
        auto it = index.find(CellText(*c, r));
        if (it != index.end()) added[it->second].numbers[r] = 1.0;
      }
      ReplaceColumn(table, name, std::move(added));
    } else if (step.kind == "hash") {
      const size_t buckets = static_cast<size_t>(step.buckets);
      std::vector<Column> added;
      for (size_t b = 0; b < buckets; ++b) {
        added.push_back({name + "#" + std::to_string(b), ColumnType::kNumber,
                         std::vector<double>(table->rows, 0.0), {}});
      }
      for (size_t r = 0; r < table->rows; ++r) {
        if (!c->IsMissing(r)) added[Fnv1a(CellText(*c, r)) % buckets].numbers[r] = 1.0;
      }
      ReplaceColumn(table, name, std::move(added));
    } else {
      return InvalidArgumentError("unknown transform '" + step.kind + "'");
    }
  }
  return Status::Ok();
}

StatusOr<FeatureTransform> FeatureTransform::Fit(const TransformSpec& spec, const Table& raw,
                                                 const std::vector<size_t>& fit_rows) {
  RETURN_IF_ERROR(ValidateTransformSpec(spec, raw));
  FeatureTransform t;
  t.spec_ = spec;
  for (const Column& c : raw.columns) t.inputs_.push_back({c.name, c.type});
  Table working = raw;
  for (const StepSpec& step : spec.steps) {
    ASSIGN_OR_RETURN(Fitted fitted, FitStep(step, working, fit_rows));
    RETURN_IF_ERROR(ApplyStep(step, fitted, &working));
    t.fitted_.push_back(std::move(fitted));
  }
  for (const std::string& e : spec.exclude) {
    if (working.Find(e) == nullptr) {
      return InvalidArgumentError("features.exclude: column '" + e + "' is not in the data");
    }
  }
  for (const Column& c : working.columns) {
    if (c.type == ColumnType::kNumber && !Contains(spec.exclude, c.name)) {
      t.features_.push_back(c.name);
    }
  }
  if (t.features_.empty()) {
    return InvalidArgumentError("the transform leaves no numeric feature for the model");
  }
  return t;
}

StatusOr<Table> FeatureTransform::ApplySteps(const Table& raw) const {
  Table working;
  working.rows = raw.rows;
  for (const Input& in : inputs_) {
    const Column* c = raw.Find(in.name);
    if (c == nullptr) {
      return InvalidArgumentError("input column '" + in.name + "' is missing (the model needs: " +
                                  [&] {
                                    std::string all;
                                    for (const auto& i : inputs_) all += (all.empty() ? "" : ", ") + i.name;
                                    return all;
                                  }() + ")");
    }
    if (c->type != in.type) {
      return InvalidArgumentError("input column '" + in.name + "' must be " +
                                  std::string(ColumnTypeName(in.type)));
    }
    working.columns.push_back(*c);
  }
  for (size_t i = 0; i < spec_.steps.size(); ++i) {
    RETURN_IF_ERROR(ApplyStep(spec_.steps[i], fitted_[i], &working));
  }
  return working;
}

StatusOr<std::vector<float>> FeatureTransform::Apply(const Table& raw) const {
  ASSIGN_OR_RETURN(Table working, ApplySteps(raw));
  const size_t f = features_.size();
  std::vector<float> out(raw.rows * f, std::numeric_limits<float>::quiet_NaN());
  for (size_t j = 0; j < f; ++j) {
    const Column* c = working.Find(features_[j]);
    // A one_hot category fitted but absent now still exists (all zeros), so
    // a missing feature column means the inputs differ from the fitted ones.
    if (c == nullptr || c->type != ColumnType::kNumber) {
      return InvalidArgumentError("feature '" + features_[j] + "' could not be computed");
    }
    for (size_t r = 0; r < raw.rows; ++r) out[r * f + j] = static_cast<float>(c->numbers[r]);
  }
  return out;
}

}  // namespace strato::features
