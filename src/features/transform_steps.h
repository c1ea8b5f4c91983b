// The fit and apply functions of each transform step (see
// include/strato/features/transform.h for what each step computes).
// Internal to the features library.
#pragma once

#include <vector>

#include "strato/core/status.h"
#include "strato/features/transform.h"

namespace strato::features {

// Fits `step` on `rows` of `table` (all rows when empty).
StatusOr<FeatureTransform::Fitted> FitStep(const StepSpec& step, const Table& table,
                                           const std::vector<size_t>& rows);
// Rewrites `table` in place. INVALID_ARGUMENT naming a missing column.
Status ApplyStep(const StepSpec& step, const FeatureTransform::Fitted& fitted, Table* table);

// The window step alone (window_step.cc).
Status ApplyWindow(const StepSpec& step, Table* table);

}  // namespace strato::features
