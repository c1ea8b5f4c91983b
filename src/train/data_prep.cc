#include "strato/train/data_prep.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include "strato/features/csv_reader.h"
#include "strato/features/transform.h"
#include "strato/train/progress.h"
#include "strato/train/registry.h"

namespace strato::train {
namespace {

using features::Column;
using features::ColumnType;
using features::Table;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Status MissingColumn(const std::string& what, const std::string& name, const Table& table,
                     const std::string& file) {
  return InvalidArgumentError(what + ": column '" + name + "' is not in " + file +
                              " (columns: " + table.ColumnNames() + ")");
}

void RemoveColumn(Table* table, const std::string& name) {
  const int i = table->IndexOf(name);
  if (i >= 0) table->columns.erase(table->columns.begin() + i);
}

// Maps label values to class indices: 0/1 numbers stay as they are for
// binary; otherwise distinct values sorted (numbers numerically).
Status EncodeClasses(const PipelineConfig& config, const Column* column,
                     std::vector<double>* labels, PreparedData* out) {
  std::vector<std::string> names;
  if (column != nullptr && column->type == ColumnType::kString) {
    std::set<std::string> distinct;
    for (const auto& s : column->strings) {
      if (!s.empty()) distinct.insert(s);
    }
    names.assign(distinct.begin(), distinct.end());
    for (size_t r = 0; r < labels->size(); ++r) {
      const std::string& s = column->strings[r];
      (*labels)[r] = s.empty() ? kNaN
                               : static_cast<double>(std::lower_bound(names.begin(), names.end(), s) -
                                                     names.begin());
    }
  } else {
    std::set<double> distinct;
    for (double v : *labels) {
      if (!std::isnan(v)) distinct.insert(v);
    }
    std::vector<double> values(distinct.begin(), distinct.end());
    for (double v : values) names.push_back(features::CellText(Column{"", ColumnType::kNumber, {v}, {}}, 0));
    for (double& v : *labels) {
      if (!std::isnan(v)) {
        v = static_cast<double>(std::lower_bound(values.begin(), values.end(), v) - values.begin());
      }
    }
  }
  if (config.task == "binary" && names.size() != 2) {
    return InvalidArgumentError("label '" + config.label.column + "': a binary task needs exactly " +
                                "2 classes, found " + std::to_string(names.size()));
  }
  if (config.task == "multiclass" && names.size() < 2) {
    return InvalidArgumentError("label '" + config.label.column + "': a multiclass task needs " +
                                "at least 2 classes, found " + std::to_string(names.size()));
  }
  out->class_names = names;
  out->num_class = static_cast<int>(names.size());
  return Status::Ok();
}

void Summarise(const Table& table, const PipelineConfig& config, DataReport* report) {
  for (const Column& c : table.columns) {
    ColumnSummary s;
    s.name = c.name;
    s.type = std::string(features::ColumnTypeName(c.type));
    if (c.type == ColumnType::kNumber) {
      double sum = 0;
      size_t n = 0;
      s.min = std::numeric_limits<double>::infinity();
      s.max = -s.min;
      auto range = config.ranges.find(c.name);
      for (double v : c.numbers) {
        if (std::isnan(v)) {
          ++s.missing;
          continue;
        }
        sum += v;
        ++n;
        s.min = std::min(s.min, v);
        s.max = std::max(s.max, v);
        if (range != config.ranges.end() && (v < range->second.first || v > range->second.second)) {
          ++s.out_of_range;
        }
      }
      s.mean = n > 0 ? sum / static_cast<double>(n) : kNaN;
      if (n > 0) {  // the distribution, for the report
        s.histogram.assign(12, 0);
        const double width = s.max > s.min ? (s.max - s.min) / 12 : 1;
        for (double v : c.numbers) {
          if (std::isnan(v)) continue;
          ++s.histogram[std::min<size_t>(11, static_cast<size_t>((v - s.min) / width))];
        }
      }
      if (n == 0) s.min = s.max = kNaN;
      if (n > 0 && s.min == s.max) report->warnings.push_back("column '" + c.name + "' is constant");
    } else {
      std::set<std::string> distinct;
      for (const auto& v : c.strings) {
        if (v.empty()) ++s.missing;
        else distinct.insert(v);
      }
      s.distinct = distinct.size();
    }
    if (s.out_of_range > 0) {
      report->warnings.push_back(std::to_string(s.out_of_range) + " values of '" + c.name +
                                 "' are outside validate.ranges");
    }
    report->columns.push_back(std::move(s));
  }
}

}  // namespace

StatusOr<Table> ReadSource(const DataSource& source, bool quiet, features::ReadStats* stats) {
  ProgressBar bar("ingest", 1.0, quiet);
  features::ReadOptions options = source.read;
  options.progress = [&](size_t done, size_t total) {
    bar.Update(static_cast<double>(done) / static_cast<double>(std::max<size_t>(total, 1)));
  };
  auto table = features::ReadTable(source.path, options, stats);
  if (!table.ok()) {
    bar.Done("failed");
    return table.status();
  }
  bar.Done(std::to_string(table->rows) + " rows x " + std::to_string(table->columns.size()) +
           " columns from " + source.path);
  return table;
}

StatusOr<std::vector<double>> DeriveLabel(const LabelConfig& label, const Table& table,
                                          const std::string& file) {
  std::vector<double> y(table.rows, kNaN);
  if (label.derive == "remaining_life") {
    const Column* entity = table.Find(label.entity);
    const Column* time = table.Find(label.time);
    if (entity == nullptr) return MissingColumn("label.entity", label.entity, table, file);
    if (time == nullptr) return MissingColumn("label.time", label.time, table, file);
    if (time->type != ColumnType::kNumber) {
      return InvalidArgumentError("label.time: column '" + label.time + "' must be numeric");
    }
    std::map<std::string, double> last;
    for (size_t r = 0; r < table.rows; ++r) {
      const std::string key = features::CellText(*entity, r);
      auto it = last.find(key);
      if (it == last.end()) last[key] = time->numbers[r];
      else it->second = std::max(it->second, time->numbers[r]);
    }
    for (size_t r = 0; r < table.rows; ++r) {
      y[r] = last[features::CellText(*entity, r)] - time->numbers[r];
    }
    return y;
  }
  if (label.derive == "first_flag") {
    std::vector<const Column*> flags;
    for (const auto& f : label.flags) {
      const Column* c = table.Find(f);
      if (c == nullptr) return MissingColumn("label.flags", f, table, file);
      if (c->type != ColumnType::kNumber) {
        return InvalidArgumentError("label.flags: column '" + f + "' must be 0/1 numbers");
      }
      flags.push_back(c);
    }
    for (size_t r = 0; r < table.rows; ++r) {
      y[r] = 0;
      for (size_t k = 0; k < flags.size(); ++k) {
        if (flags[k]->numbers[r] > 0.5) {
          y[r] = static_cast<double>(k + 1);
          break;
        }
      }
    }
    return y;
  }
  const Column* c = table.Find(label.column);
  if (c == nullptr) return MissingColumn("label.column", label.column, table, file);
  if (c->type == ColumnType::kNumber) return c->numbers;
  return y;  // string labels: encoded as classes by the caller
}

StatusOr<PreparedData> PrepareTrainingData(const PipelineConfig& config, bool quiet) {
  PreparedData out;
  features::ReadStats stats;
  ASSIGN_OR_RETURN(Table table, ReadSource(config.data, quiet, &stats));
  if (table.rows == 0) {
    return InvalidArgumentError(config.data.path + ": no data rows after the header");
  }
  DataReport& report = out.report;
  report.file = config.data.path;
  ASSIGN_OR_RETURN(report.sha256, Sha256File(config.data.path));
  report.bad_rows_skipped = stats.bad_rows_skipped;
  report.first_bad_row = stats.first_bad_row;
  ASSIGN_OR_RETURN(std::vector<double> labels, DeriveLabel(config.label, table, config.data.path));
  const Column* label_column = config.label.derive.empty() ? table.Find(config.label.column) : nullptr;
  if (config.task == "regression") {
    if (label_column != nullptr && label_column->type != ColumnType::kNumber) {
      return InvalidArgumentError("label '" + config.label.column +
                                  "' holds text; a regression label must be numeric");
    }
  } else if (config.label.derive == "first_flag") {
    out.class_names = {"none"};
    for (const auto& f : config.label.flags) out.class_names.push_back(f);
    out.num_class = static_cast<int>(out.class_names.size());
  } else {
    RETURN_IF_ERROR(EncodeClasses(config, label_column, &labels, &out));
  }
  if (config.label.cap > 0) {
    for (double& v : labels) v = std::min(v, config.label.cap);
  }
  // Drop the label source columns and the declared drops.
  for (const auto& d : config.drop) {
    if (table.Find(d) == nullptr) return MissingColumn("features.drop", d, table, config.data.path);
  }
  if (config.label.derive.empty()) RemoveColumn(&table, config.label.column);
  for (const auto& d : config.drop) RemoveColumn(&table, d);
  for (const auto& [col, range] : config.ranges) {
    if (table.Find(col) == nullptr) return MissingColumn("validate.ranges", col, table, config.data.path);
  }
  // Rows without a label cannot train or evaluate.
  std::vector<size_t> keep;
  for (size_t r = 0; r < table.rows; ++r) {
    if (!std::isnan(labels[r])) keep.push_back(r);
  }
  report.label_missing = table.rows - keep.size();
  if (keep.empty()) {
    return InvalidArgumentError("label '" + config.label.column + "' is missing in every row");
  }
  if (keep.size() != table.rows) {
    table = table.SelectRows(keep);
    std::vector<double> kept;
    for (size_t r : keep) kept.push_back(labels[r]);
    labels = std::move(kept);
  }
  report.rows = table.rows;
  Summarise(table, config, &report);
  if (config.task == "regression") {
    report.label_min = *std::min_element(labels.begin(), labels.end());
    report.label_max = *std::max_element(labels.begin(), labels.end());
    double sum = 0;
    for (double v : labels) sum += v;
    report.label_mean = sum / static_cast<double>(labels.size());
  } else {
    std::vector<size_t> counts(static_cast<size_t>(out.num_class), 0);
    for (double v : labels) ++counts[static_cast<size_t>(v)];
    for (size_t k = 0; k < counts.size(); ++k) {
      report.label_counts.emplace_back(out.class_names[k], counts[k]);
      const double share = static_cast<double>(counts[k]) / static_cast<double>(labels.size());
      if (share < 0.05) {
        report.warnings.push_back("class '" + out.class_names[k] + "' is rare (" +
                                  std::to_string(counts[k]) + " rows): prefer auc/pr_auc/f1 " +
                                  "over accuracy");
      }
    }
  }
  out.raw = std::move(table);
  out.labels = std::move(labels);
  return out;
}

}  // namespace strato::train
