// Ingest, label derivation, validation and the data report: everything
// before the split.
//
// Thread-safety: functions without shared state; distinct calls may run
// concurrently.
#pragma once

#include <string>
#include <vector>

#include "strato/features/table.h"
#include "strato/train/html_report.h"
#include "strato/train/pipeline_config.h"

namespace strato::train {

struct PreparedData {
  features::Table raw;        // without the label (and dropped columns)
  std::vector<double> labels; // class index for classification
  std::vector<std::string> class_names;
  int num_class = 1;
  DataReport report;
};

// Reads a data file with a progress bar. Errors from ReadTable.
StatusOr<features::Table> ReadSource(const DataSource& source, bool quiet,
                                     features::ReadStats* stats);

// Reads the training data, derives and checks the label, applies `drop`,
// validates ranges and fills the data report.
StatusOr<PreparedData> PrepareTrainingData(const PipelineConfig& config, bool quiet);

// Derives the label column values (before `drop`): the column itself,
// remaining_life or first_flag. INVALID_ARGUMENT naming missing columns.
StatusOr<std::vector<double>> DeriveLabel(const LabelConfig& label, const features::Table& table,
                                          const std::string& file);

}  // namespace strato::train
