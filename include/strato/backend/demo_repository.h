// A ready-made sample model repository in Triton's layout, for
// `strato serve --demo`, examples and end-to-end tests.
//
// WriteDemoModelRepository(dir) writes:
//   dir/simple/config.pbtxt           backend add_sub, INT32 [16], max_batch_size 8
//                                     (Triton's "simple": OUTPUT0 = sum, OUTPUT1 = diff)
//   dir/simple/1/
//   dir/identity_fp32/config.pbtxt    backend identity, FP32 [-1], max_batch_size 64,
//                                     dynamic_batching
//   dir/identity_fp32/1/
//   dir/identity_bytes/config.pbtxt   backend identity, BYTES (TYPE_STRING) [-1], unbatched
//   dir/identity_bytes/1/
//   dir/xgb_fraud/config.pbtxt        backend "fil" (served by xgboost), binary classifier,
//                                     input__0 FP32 [30], output__0 FP32 [1],
//                                     output_class false, 2 CPU instances,
//                                     dynamic batching with preferred sizes
//   dir/xgb_fraud/1/xgboost.json      300 trees over 30 features (synthetic data,
//                                     see xgboost_model_maker.h), trained in a
//                                     few seconds
//
// `dir` is created if absent; existing files of these models are overwritten,
// other content of `dir` is left alone. Deterministic: the same files every
// call.
//
// Errors: INTERNAL naming the path when a folder or file cannot be written,
// or the error of TrainSyntheticXgboostModel.
// Thread-safety: do not write the same `dir` from two threads at once.
#pragma once

#include <filesystem>

#include "strato/core/status.h"

namespace strato {

// Names of the models WriteDemoModelRepository writes, in a stable order.
inline constexpr const char* kDemoModelNames[] = {"simple", "identity_fp32", "identity_bytes",
                                                  "xgb_fraud"};

Status WriteDemoModelRepository(const std::filesystem::path& dir);

}  // namespace strato
