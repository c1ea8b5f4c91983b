// The "xgboost" backend (also registered as "fil", so Triton FIL configs for
// XGBoost models load unchanged): gradient-boosted trees through the XGBoost
// 1.7 C API, on CPU.
//
// Model file, in the version folder: config.default_model_filename when set;
// else, when parameter model_type is set, FIL's names for that type
// (xgboost: xgboost.model, model.bin, model.xgb; xgboost_json: xgboost.json,
// model.json; xgboost_ubj: xgboost.ubj, model.ubj); else the first found of
// xgboost.json, model.json, xgboost.ubj, model.ubj, xgboost.model,
// model.bin, model.xgb. The format is detected from the content; with
// model_type set it must match.
//
// Config parameters (string values): output_class ("true"/"false", default
// false), threshold (float, default 0.5), predict_proba ("true"/"false"),
// nthread (XGBoost threads per predict call, default 1), model_type; FIL's
// other parameters (storage_type, algo, blocks_per_sm, ...) are accepted and
// ignored.
//
// Tensors: one FP32 input whose last dimension is the number of features
// (batched [N, F], unbatched [N, F] or [F]); one FP32 output (configured
// name, "output__0" when none is configured) whose shape is the input's with
// the last dimension replaced by:
//   predict_proba: num_class, 2 for binary models (columns 1-p, p, as FIL);
//   output_class:  1, the class (binary: 1 if p >= threshold; multi: argmax);
//   otherwise:     1 (regression value or probability), num_class for
//                  multi:softprob.
//
// Batching: an instance copies the rows of every request of a batch into
// one dense matrix (memcpy: request buffers may be unaligned), predicts once
// and splits the result back, stamping compute_input_end_ns and
// compute_output_start_ns on each request.
//
// Errors: LoadModel / AutoCompleteConfig give NOT_FOUND naming the folder
// and the names tried when no model file exists, INVALID_ARGUMENT naming the
// file when it is not a loadable model or mismatches model_type or the
// config (input not FP32, wrong feature count), INVALID_ARGUMENT for bad
// parameter values. Execute answers INVALID_ARGUMENT to a request whose
// input has the wrong datatype or width, INTERNAL if XGBoost fails.
//
// Thread-safety: backend and model are immutable after LoadModel (model
// bytes and options shared read-only); each instance owns its own booster
// and is used by one thread at a time.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "strato/backend/backend.h"

namespace strato {

struct XgboostOptions {
  bool output_class = false;
  bool predict_proba = false;
  float threshold = 0.5f;
  int nthread = 1;
  std::string model_type;  // "" (any), xgboost, xgboost_json, xgboost_ubj
};

// Reads the parameters above from `config`. INVALID_ARGUMENT naming the
// parameter for unparsable values or an unsupported model_type.
StatusOr<XgboostOptions> ParseXgboostOptions(const inference::ModelConfig& config);

// Finds the model file as described above. NOT_FOUND naming `version_dir`
// and the candidates tried.
StatusOr<std::filesystem::path> ResolveXgboostModelFile(const std::filesystem::path& version_dir,
                                                        const inference::ModelConfig& config,
                                                        const XgboostOptions& options);

class XgboostBackend final : public Backend {
 public:
  std::string_view name() const override { return "xgboost"; }
  // Fills, only where unset: input "input__0" FP32 [num_features]; output
  // "output__0" FP32 [width] (width as above); max_batch_size 8192 when it
  // is 0 and the config gave no input dims.
  Status AutoCompleteConfig(const std::filesystem::path& version_dir,
                            inference::ModelConfig* config) const override;
  StatusOr<std::unique_ptr<Model>> LoadModel(const ModelLoadContext& context) const override;
};

}  // namespace strato
