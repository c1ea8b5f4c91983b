// The input tensors `strato perf` sends: synthetic (random or zero) or read
// from a perf_analyzer-style JSON file.
//
// File format (a subset of perf_analyzer's):
//   {"data": [ {"INPUT0": [1, 2, 3], "INPUT1": {"content": [...], "shape": [3]}}, ... ]}
// Each entry of "data" is one request's inputs; values may be nested arrays
// (flattened row-major). BYTES values are strings. When the model batches and
// a value holds one row, it is repeated for each row of the batch.
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model_info.h"
#include "perf_options.h"
#include "strato/core/status.h"

namespace strato::perf {

struct InputTensor {
  std::string name;
  DataType datatype = DataType::kInvalid;
  std::vector<int64_t> shape;  // with the batch dim when the model batches
  std::vector<uint8_t> raw;    // little-endian elements; BYTES serialised (4-byte length + bytes)
};

// One request's inputs, in the model's input order.
using InputSet = std::vector<InputTensor>;

// Synthetic inputs for every model input: one set. Random values are
// deterministic (fixed seed): floats in [0, 1), integers in [0, 100),
// 16-character strings for BYTES.
StatusOr<std::vector<InputSet>> MakeSyntheticInputs(const ModelInfo& info, const PerfOptions& options,
                                                    bool zero);

// Decodes an input-data JSON document. INVALID_ARGUMENT (naming the entry and
// input) on a malformed document, a missing input, a value of the wrong kind
// or an element count that matches neither one row nor the whole batch.
StatusOr<std::vector<InputSet>> ParseInputDataJson(std::string_view json, const ModelInfo& info,
                                                   const PerfOptions& options);

// Dispatches on options.input_mode (reading options.input_file for kFile;
// NOT_FOUND when it cannot be read).
StatusOr<std::vector<InputSet>> BuildInputSets(const ModelInfo& info, const PerfOptions& options);

}  // namespace strato::perf
