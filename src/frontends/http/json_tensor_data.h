// Conversion between a tensor's bytes and the "data" member of a KServe v2
// JSON tensor, for every datatype: BOOL as true/false, integers as JSON
// integers (range-checked), FP16/BF16/FP32/FP64 as JSON numbers, BYTES as
// JSON strings.
//
// Thread-safety: free functions, no shared state.
#pragma once

#include <simdjson.h>

#include "json_util.h"
#include "strato/core/status.h"
#include "strato/core/tensor.h"

namespace strato::http {

// Fills `tensor` (whose name, datatype and shape are set) with owned bytes
// from `data`: a JSON array, flat or nested to any depth (row-major), or a
// single value for a scalar. INVALID_ARGUMENT naming the input when the
// element count disagrees with the shape or an element has the wrong type or
// is out of range for the datatype.
Status ReadTensorData(simdjson::dom::element data, Tensor* tensor);

// Writes the elements of `tensor` as a flat JSON array. Non-finite floats
// are written as NaN / Infinity / -Infinity (as Python's json module does).
// INVALID_ARGUMENT when the tensor's bytes disagree with its shape.
Status WriteTensorData(JsonWriter& writer, const Tensor& tensor);

// Element `index` of a numeric tensor as a double (for classification).
double ElementAsDouble(const Tensor& tensor, size_t index);

}  // namespace strato::http
