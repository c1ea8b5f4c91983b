// The model and instance objects of the xgboost backend (see
// xgboost_backend.h for the user-facing contract).
//
// XgboostModelSpec is built once by XgboostBackend::LoadModel and shared,
// read-only, by the model and all its instances. Each XgboostInstance loads
// its own booster from the spec's bytes, so instances never share XGBoost
// state.
//
// Thread-safety: a spec is immutable; an instance is used by one thread at
// a time (ModelInstance contract).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "strato/backend/backend.h"
#include "xgboost_backend.h"
#include "xgboost_booster.h"

namespace strato {

struct XgboostModelSpec {
  std::string source;          // model file path, for messages
  std::vector<uint8_t> bytes;  // the model file
  XgboostOptions options;
  std::string input_name;      // "" when the config names no input
  std::string output_name;
  int64_t num_features = 0;
  size_t raw_width = 1;        // values per row XGBoost returns
  size_t out_width = 1;        // values per row of the output tensor
  int64_t version = 0;
};

// Output values per row for a model whose raw prediction has `raw_width`
// values per row, under `options`.
size_t XgboostOutputWidth(size_t raw_width, const XgboostOptions& options);

// Turns one row of raw predictions into XgboostOutputWidth() output values.
void XgboostTransformRow(const float* raw, size_t raw_width, const XgboostOptions& options,
                         float* out);

class XgboostModel final : public Model {
 public:
  explicit XgboostModel(std::shared_ptr<const XgboostModelSpec> spec) : spec_(std::move(spec)) {}
  // Loads a booster for the instance; errors as XgbBooster::Load.
  StatusOr<std::unique_ptr<ModelInstance>> CreateInstance(int index) override;
  // The model file size: a fair stand-in for the boosters' footprint.
  size_t memory_bytes() const override { return spec_->bytes.size(); }

 private:
  std::shared_ptr<const XgboostModelSpec> spec_;
};

}  // namespace strato
