// Structural checks of an XGBoost model before libxgboost reads it.
//
// XGBoost 1.7 trusts the model it loads: a JSON model whose
// left_children[0] is 1000000 is accepted and then read out of bounds (a
// crash at load or at the first prediction). Models arrive from the load
// API, registry pushes and repository folders, so strato checks every tree
// first: array lengths against num_nodes, child indices in range and the
// nodes forming a tree (each reached once from the root), parent links,
// feature indices below num_feature, finite split conditions and leaf
// values, categorical split tables inside their arrays, tree_info and DART
// weights against the tree count, gblinear weights against the feature
// and group counts.
//
// The legacy binary format cannot be checked this way (XGBoost reads it as
// raw structs); it is refused unless the server was started with
// --allow-xgboost-binary (SetXgboostBinaryAllowed).
//
// Thread-safety: ValidateXgboostModel is reentrant; the binary switch is an
// atomic, set once at start.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "strato/core/status.h"

namespace strato {

// Limits that keep a hostile model from exhausting memory while it is
// checked or loaded.
inline constexpr int64_t kMaxXgbTreeNodes = int64_t{1} << 24;
inline constexpr int64_t kMaxXgbFeatures = int64_t{1} << 24;
inline constexpr int64_t kMaxXgbClasses = int64_t{1} << 16;

// OK when `bytes` (JSON or UBJ, detected from the content) is a model whose
// structure XGBoost can read safely. INVALID_ARGUMENT "<source>: <where>:
// <problem>" otherwise (e.g. "trees[0].left_children[0] = 1000000 is not a
// node of the tree (num_nodes 7)"). The legacy binary format is refused with
// INVALID_ARGUMENT unless allowed.
Status ValidateXgboostModel(std::span<const uint8_t> bytes, std::string_view source);

// Whether legacy binary models are loaded (unchecked). Default false.
void SetXgboostBinaryAllowed(bool allowed);
bool XgboostBinaryAllowed();

}  // namespace strato
