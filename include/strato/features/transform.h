// FeatureTransform: the fitted feature pipeline shared by `strato train`
// and the `strato_pipeline` serving backend, so that a model sees features
// computed by the same code in training and in serving (no skew).
//
// A transform is a sequence of steps applied to a working copy of the raw
// table; each step replaces or adds columns:
//   standardise  columns -> (x - mean) / sd, mean and sd fitted on the
//                fit rows (sd 0 is taken as 1)
//   one_hot      columns -> one indicator column per category seen in the
//                fit rows (at most max_categories, most frequent first);
//                other values, and missing, give all zeros; the source
//                column is removed
//   hash         columns -> `buckets` indicator columns chosen by a stable
//                FNV-1a hash of the value text; the source column is removed
//   window       per entity, rows ordered by time, for each column: lags
//                (value k rows earlier) and, for each window size W, rolling
//                mean/std/min/max/slope over the last W rows up to and
//                including the current one (fewer at the start of an
//                entity's history; std and slope need 2 rows, else missing)
// The model's features are then every numeric column of the result except
// `exclude`, in table order; their names are recorded at fit time and the
// same names, in the same order, are produced by Apply.
//
// Thread-safety: a fitted FeatureTransform is immutable; Apply may be
// called from many threads.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "strato/core/status.h"
#include "strato/features/table.h"

namespace strato::features {

struct StepSpec {
  std::string kind;  // standardise | one_hot | hash | window
  std::vector<std::string> columns;
  int max_categories = 50;  // one_hot
  int buckets = 16;         // hash
  std::string entity;       // window
  std::string time;         // window
  std::vector<int> lags;    // window, each >= 1
  std::vector<int> sizes;   // window, each >= 2
  std::vector<std::string> stats;  // window: mean std min max slope
};

// The kinds above, for error messages.
const std::vector<std::string>& KnownStepKinds();
const std::vector<std::string>& KnownWindowStats();

struct TransformSpec {
  std::vector<StepSpec> steps;
  std::vector<std::string> exclude;  // numeric columns kept away from the model
};

// Checks `spec` against the columns of `table`: known kinds and stats,
// referenced columns present and of a usable type, sizes and lags valid.
// INVALID_ARGUMENT "transforms[i] (kind): ..." naming the problem.
Status ValidateTransformSpec(const TransformSpec& spec, const Table& table);

// What the served model needs beyond the features: written to transform.json
// by the trainer, read by the backend.
struct ModelInfo {
  std::string task;                      // regression | binary | multiclass
  std::string label;                     // label column name
  int num_class = 1;                     // multiclass only
  std::vector<std::string> class_names;  // multiclass / binary
  double label_cap = 0;                  // 0 = none
  double risk_horizon = 0;               // regression: failure risk = P(label <= horizon)
  double residual_std = 0;               // validation residual std for the risk
};

class FeatureTransform {
 public:
  FeatureTransform() = default;

  // Fits every step on `fit_rows` of `raw` (all rows when empty) and
  // records the feature names. `raw` must not hold the label.
  static StatusOr<FeatureTransform> Fit(const TransformSpec& spec, const Table& raw,
                                        const std::vector<size_t>& fit_rows);

  // Applies the fitted steps to `raw` (which must have inputs(), by name,
  // with their types) and returns rows x num_features() floats, row-major,
  // NaN = missing. INVALID_ARGUMENT naming a missing or mistyped column.
  StatusOr<std::vector<float>> Apply(const Table& raw) const;
  // The working table after the steps (for reports and tests).
  StatusOr<Table> ApplySteps(const Table& raw) const;

  struct Input {
    std::string name;
    ColumnType type = ColumnType::kNumber;
  };
  const std::vector<Input>& inputs() const { return inputs_; }
  const std::vector<std::string>& feature_names() const { return features_; }
  size_t num_features() const { return features_.size(); }
  const TransformSpec& spec() const { return spec_; }

  ModelInfo& model_info() { return info_; }
  const ModelInfo& model_info() const { return info_; }

  // transform.json: spec, fitted state, inputs, features, model info.
  std::string ToJson() const;
  // INVALID_ARGUMENT naming what is wrong with the document.
  static StatusOr<FeatureTransform> FromJson(std::string_view json);

  // Fitted state per step (public for the JSON codec and tests).
  struct Fitted {
    std::vector<double> means, sds;                       // standardise
    std::vector<std::vector<std::string>> categories;     // one_hot, per column
  };
  const std::vector<Fitted>& fitted() const { return fitted_; }

 private:
  TransformSpec spec_;
  std::vector<Fitted> fitted_;  // one per step
  std::vector<Input> inputs_;
  std::vector<std::string> features_;
  ModelInfo info_;
};

// Helpers shared with the backend and tests.
// Text of a cell as one_hot / hash see it ("%.17g" for numbers, "" missing).
std::string CellText(const Column& column, size_t row);
// 64-bit FNV-1a.
uint64_t Fnv1a(std::string_view text);

}  // namespace strato::features
