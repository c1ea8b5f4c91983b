// What `strato perf` knows about the model it drives: input and output
// tensors from the metadata endpoint, and max_batch_size from the
// configuration endpoint. Both protocols fill the same struct; the HTTP JSON
// decoding lives here, the gRPC one in grpc_transport.cc.
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "strato/core/datatype.h"
#include "strato/core/status.h"

namespace strato::perf {

struct TensorInfo {
  std::string name;
  DataType datatype = DataType::kInvalid;
  std::vector<int64_t> shape;  // as the metadata reports it (batch dim included)
};

struct ModelInfo {
  std::string name;
  std::vector<std::string> versions;
  std::vector<TensorInfo> inputs;
  std::vector<TensorInfo> outputs;
  int64_t max_batch_size = 0;
  bool config_known = false;  // false: max_batch_size was guessed from shapes
};

// Decodes the body of GET /v2/models/{m}[/versions/{v}].
// INVALID_ARGUMENT on malformed JSON, missing fields or unknown datatypes.
StatusOr<ModelInfo> ParseModelMetadataJson(std::string_view json);

// Reads "max_batch_size" from the body of GET /v2/models/{m}/config (either
// the bare configuration or one wrapped in {"config": ...}) into `info`.
Status ApplyModelConfigJson(std::string_view json, ModelInfo* info);

// Without a configuration, guesses that a model batches when every input's
// first dimension is -1 (Triton reports the batch dimension that way).
void GuessBatching(ModelInfo* info);

// The shape to send for `input`: [batch_size] + the per-row dims when the
// model batches, else the dims themselves. Variable (-1) dims come from
// `overrides[name]` (given without the batch dim), which must have the
// model's rank and agree with its fixed dims. INVALID_ARGUMENT when a dim
// stays unknown, when overrides disagree, or when batch_size > 1 for a model
// that does not batch or exceeds max_batch_size.
StatusOr<std::vector<int64_t>> ResolveShape(const TensorInfo& input, const ModelInfo& info,
                                            int64_t batch_size,
                                            const std::map<std::string, std::vector<int64_t>>& overrides);

}  // namespace strato::perf
