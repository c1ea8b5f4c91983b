// The "add_sub" backend: Triton's "simple" example model.
//
// Two inputs of the same datatype and shape (by position in the config,
// INPUT0 and INPUT1 in Triton's example) give two outputs: the first output
// (OUTPUT0) is INPUT0 + INPUT1, the second (OUTPUT1) is INPUT0 - INPUT1,
// element by element, with the inputs' shape. Works batched and unbatched:
// every request is computed on its own, whatever its leading dimension.
//
// Datatypes: INT8/16/32/64, UINT8/16/32/64, FP16, BF16, FP32, FP64 (the
// config's input data_type). Integers wrap on overflow, as in two's
// complement hardware (no undefined behaviour); FP16/BF16 are computed in
// float and rounded back.
//
// LoadModel fails with INVALID_ARGUMENT unless the config has exactly two
// inputs of one supported datatype and at most two outputs of that datatype
// (missing outputs are named OUTPUT0 / OUTPUT1). Execute answers
// INVALID_ARGUMENT to a request whose inputs are missing, of another
// datatype, or of different sizes.
//
// Thread-safety: backend and model immutable; an instance is used by one
// thread at a time (ModelInstance contract).
#pragma once

#include <memory>
#include <string_view>

#include "strato/backend/backend.h"

namespace strato {

class AddSubBackend final : public Backend {
 public:
  std::string_view name() const override { return "add_sub"; }
  StatusOr<std::unique_ptr<Model>> LoadModel(const ModelLoadContext& context) const override;
};

}  // namespace strato
