// Conversions between the gRPC inference messages (grpc_service.proto) and
// strato's InferenceRequest / InferenceResponse, and between strato::Status
// and grpc::Status.
//
// Thread-safety: free functions without shared state.
#pragma once

#include <grpcpp/support/status.h>

#include <memory>
#include <string_view>

#include "grpc_service.pb.h"
#include "strato/core/inference.h"
#include "strato/core/status.h"

namespace strato::grpcfe {

// strato codes equal gRPC's canonical codes, so the mapping is one-to-one.
grpc::Status ToGrpcStatus(const Status& status);

// Parses a protocol version string: "" -> -1 (the server picks), "3" -> 3.
// INVALID_ARGUMENT for anything that is not a non-negative integer.
StatusOr<int64_t> ParseModelVersion(std::string_view version);

// Fills `out` (model name, version, id, inputs, requested outputs,
// parameters, priority, timeout_us) from `message`.
//
// Inputs given in raw_input_contents are not copied: each tensor views its
// entry of the message and holds `message` as keepalive. Inputs given in
// typed contents (int_contents, fp32_contents, ...) are converted into owned
// buffers. FP16/BF16 must use raw contents.
//
// Errors (INVALID_ARGUMENT, naming the input and the field): unknown
// datatype, negative dimension, raw_input_contents count differing from the
// input count, both raw and typed contents, raw byte size not matching shape
// and datatype, typed element count not matching the shape, a typed field
// not matching the datatype, a value out of range for INT8/INT16/UINT8/UINT16,
// bad parameter types for "priority" / "timeout".
// `out->sink`, `cancelled` and `times` are left untouched.
Status DecodeInferRequest(const std::shared_ptr<const inference::ModelInferRequest>& message,
                          InferenceRequest* out);

// Writes `response` (which must be OK) into `out`: model name and version,
// id, parameters, and every output with its bytes in raw_output_contents
// (one copy of each output's bytes; Triton's convention).
void EncodeInferResponse(const InferenceResponse& response, inference::ModelInferResponse* out);

}  // namespace strato::grpcfe
