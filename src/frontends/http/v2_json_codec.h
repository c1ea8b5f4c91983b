// The KServe v2 inference request/response codec for HTTP, with Triton's
// binary tensor data and classification extensions.
//
// Request JSON: {"id"?, "parameters"?, "inputs": [{"name", "shape",
// "datatype", "parameters"?: {"binary_data_size"?}, "data"?}], "outputs"?:
// [{"name", "parameters"?: {"binary_data"?, "classification"?}}]}. Request
// parameters "priority" and "timeout" (microseconds) set the request's
// priority and timeout_us; "binary_data_output" makes every output binary;
// every parameter is also kept in request->parameters.
//
// Response JSON: {"id"?, "model_name", "model_version" (string),
// "parameters"?, "outputs": [{"name", "datatype", "shape", "data" |
// "parameters": {"binary_data_size"}}]}, binary outputs following the JSON.
//
// Thread-safety: free functions; decoding uses a per-thread JSON parser.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "strato/core/inference.h"
#include "strato/core/status.h"

namespace strato::http {

// Decodes an inference request from `body` (the whole HTTP body) and the
// value of Inference-Header-Content-Length (empty when absent). Inputs sent
// as binary data VIEW `body` (kept alive by the tensors); inputs sent as JSON
// own their converted bytes. Fills id, inputs, outputs, parameters,
// priority and timeout_us; leaves model name/version, sink and times to the
// caller. INVALID_ARGUMENT naming the field on any malformed input (bad
// JSON, wrong types, unknown datatype, shape/data disagreement, binary size
// problems, BYTES length prefixes beyond the data).
StatusOr<std::unique_ptr<InferenceRequest>> DecodeInferRequest(
    std::shared_ptr<const std::string> body, std::string_view header_length);

// How to encode the outputs of one request, captured before the request is
// handed to the model (which takes it).
struct InferOutputOptions {
  std::vector<RequestedOutput> outputs;  // empty: every output
  bool binary_default = false;           // request parameter binary_data_output
  bool model_batches = false;            // max_batch_size > 0: first dim is the batch
};
InferOutputOptions OutputOptionsFor(const InferenceRequest& request, bool model_batches);

struct EncodedInferResponse {
  std::string json;
  // Binary outputs in order; they point into the response's tensors or into
  // `owned` (classification results), so keep both alive while writing.
  std::vector<std::span<const uint8_t>> binary;
  size_t binary_bytes = 0;
  std::vector<std::unique_ptr<std::vector<uint8_t>>> owned;
};

// Encodes a successful response. INVALID_ARGUMENT/INTERNAL when an output's
// bytes disagree with its shape (a backend bug, reported rather than sent).
StatusOr<EncodedInferResponse> EncodeInferResponse(const InferenceResponse& response,
                                                   const InferOutputOptions& options);

}  // namespace strato::http
