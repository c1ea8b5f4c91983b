// The "identity" backend: every output mirrors one input.
//
// Pairing follows Triton's identity models: the i-th configured input feeds
// the i-th configured output (INPUT0 -> OUTPUT0, ...). When the config lists
// fewer outputs than inputs, the missing output names are derived from the
// input name by replacing a leading "INPUT" with "OUTPUT" (else
// "<input>_OUT"). Any datatype works, BYTES included (the serialised buffer
// is copied as is), and the output keeps the input's shape. Each output costs
// one allocation and one memcpy; outputs the request did not ask for
// (InferenceRequest::WantsOutput) are skipped, as are optional inputs the
// request left out.
//
// LoadModel fails with INVALID_ARGUMENT when the config has no input, or
// when a configured output's datatype differs from its input's.
//
// Thread-safety: the backend and model are immutable after construction;
// an instance is used by one thread at a time (ModelInstance contract).
#pragma once

#include <memory>
#include <string_view>

#include "strato/backend/backend.h"

namespace strato {

class IdentityBackend final : public Backend {
 public:
  std::string_view name() const override { return "identity"; }
  StatusOr<std::unique_ptr<Model>> LoadModel(const ModelLoadContext& context) const override;
};

}  // namespace strato
