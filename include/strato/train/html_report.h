// The self-contained HTML evaluation report: one file, inline CSS and SVG
// plots (no scripts, no external resources), readable offline.
//
// Thread-safety: RenderHtmlReport is a pure function.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "strato/train/evaluation.h"
#include "strato/train/search.h"

namespace strato::train {

struct ColumnSummary {
  std::string name, type;
  size_t missing = 0;
  double min = 0, mean = 0, max = 0;  // numeric
  size_t distinct = 0;                // string
  size_t out_of_range = 0;            // validate.ranges
  std::vector<size_t> histogram;      // numeric: 12 equal-width bins, min..max
};

struct DataReport {
  std::string file;
  std::string sha256;
  size_t rows = 0, bad_rows_skipped = 0, label_missing = 0;
  std::string first_bad_row;
  std::vector<ColumnSummary> columns;
  std::vector<std::pair<std::string, size_t>> label_counts;  // classification
  double label_min = 0, label_mean = 0, label_max = 0;       // regression
  std::vector<std::string> warnings;
  size_t train_rows = 0, valid_rows = 0, holdout_rows = 0;
};

struct ReportInput {
  std::string title;
  std::string task;
  std::string selection_metric;
  DataReport data;
  std::vector<Evaluation> evaluations;
  std::vector<std::pair<std::string, double>> importance;  // sorted, descending
  std::vector<double> valid_curve;
  std::string eval_metric;
  int best_iteration = 0;
  Params params;
  SearchResult search;
  bool searched = false;
  std::string registered;  // "maintenance version 3" or why not
};

std::string RenderHtmlReport(const ReportInput& input);

}  // namespace strato::train
