// The "strato_pipeline" backend: serves a model trained by `strato train`.
// The version folder holds transform.json (the fitted feature transform)
// and model.json (XGBoost). A request carries raw rows; the backend runs
// the same transform code the trainer ran (strato_features), so features
// are computed identically in training and serving.
//
// Tensors:
//   input  RAW           FP32 [N, C]: N raw rows (e.g. an engine's last N
//                        cycles), C = the transform's input columns in the
//                        order of transform.json "inputs"
//   output PREDICTION    FP32 [N, W]: regression value, P(class 1) for
//                        binary (W = 1), class probabilities (W = classes)
//   output FAILURE_RISK  FP32 [N, 1], only when the config declares it:
//                        regression: P(label <= risk_horizon) under a
//                        normal residual with the validation RMSE as sigma;
//                        binary: P(class 1)
// Rows are transformed together, so window features see the earlier rows
// of the same entity in the request.
//
// Errors: LoadModel gives NOT_FOUND for a missing file, INVALID_ARGUMENT
// for a bad transform.json, a transform needing text inputs (FP32 cannot
// carry them) or a config whose RAW width differs from the inputs. Execute
// answers INVALID_ARGUMENT to a request whose RAW is not FP32 [N, C].
//
// Thread-safety: the model spec is immutable and shared; each instance
// owns its booster and is used by one thread at a time.
#pragma once

#include "strato/backend/backend.h"

namespace strato {

class StratoPipelineBackend final : public Backend {
 public:
  std::string_view name() const override { return "strato_pipeline"; }
  Status AutoCompleteConfig(const std::filesystem::path& version_dir,
                            inference::ModelConfig* config) const override;
  StatusOr<std::unique_ptr<Model>> LoadModel(const ModelLoadContext& context) const override;
};

}  // namespace strato
