// The request and response objects that flow between frontends, the model
// manager, schedulers and backends.
//
// A frontend decodes the wire format into an InferenceRequest whose input
// tensors view the received buffer, attaches a ResponseSink it owns, and
// hands the request (by unique_ptr) to the model's scheduler. A backend
// answers through the sink: exactly one response with final=true for
// ordinary models, or many responses and then a final one for streaming
// (decoupled) models. Cancellation flows the other way: the frontend sets
// the request's cancelled flag when the client goes away.
//
// Thread-safety: an InferenceRequest is owned by one thread at a time and
// moves between threads by unique_ptr. `cancelled` may be set from any
// thread. ResponseSink::Send must be safe to call from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "strato/core/status.h"
#include "strato/core/tensor.h"

namespace strato {

using Clock = std::chrono::steady_clock;

// Monotonic nanoseconds since an arbitrary epoch (steady_clock).
inline uint64_t NowNs() {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count());
}

// A request or response parameter, as in the KServe v2 protocol.
using ParameterValue = std::variant<bool, int64_t, double, std::string>;
// Ordered so that encoders produce deterministic output.
using Parameters = std::map<std::string, ParameterValue, std::less<>>;

struct RequestedOutput {
  std::string name;
  bool binary_data = false;  // Triton binary extension: send raw bytes after the JSON
  int64_t class_count = 0;   // Triton classification extension (0 = off)
  Parameters parameters;
};

// Stamps taken along a request's path, NowNs() values, 0 = not reached.
// The scheduler fills queue/compute start and end; a backend may split its
// compute time by setting compute_input_end_ns and compute_output_start_ns.
struct RequestTimestamps {
  uint64_t received_ns = 0;
  uint64_t queue_start_ns = 0;
  uint64_t compute_start_ns = 0;
  uint64_t compute_input_end_ns = 0;
  uint64_t compute_output_start_ns = 0;
  uint64_t compute_end_ns = 0;
};

struct InferenceResponse;

// Where responses for one request go. Owned (shared) by the frontend.
class ResponseSink {
 public:
  virtual ~ResponseSink() = default;
  // Delivers one response. `final` is true on the last response of the
  // request; a sink receives exactly one final response per request, even
  // when the request fails or is cancelled. Called from any thread; for one
  // request the calls never overlap.
  virtual void Send(std::unique_ptr<InferenceResponse> response, bool final) = 0;
};

struct InferenceRequest {
  std::string id;                 // echoed in responses
  std::string model_name;
  int64_t model_version = -1;     // -1: the version the router picks
  std::vector<Tensor> inputs;
  std::vector<RequestedOutput> outputs;  // empty: every output, non-binary
  Parameters parameters;
  uint64_t priority = 0;          // 0: the model's default priority level
  uint64_t timeout_us = 0;        // 0: the model's default queue timeout
  std::shared_ptr<std::atomic<bool>> cancelled = std::make_shared<std::atomic<bool>>(false);
  std::shared_ptr<ResponseSink> sink;
  RequestTimestamps times;
  // A deployer's shadow copy: executed like any request but not counted in
  // the model's request statistics (nv_inference_request_*), which count
  // what clients asked; shadow traffic has metrics of its own.
  bool shadow = false;

  const Tensor* FindInput(std::string_view name) const;
  // Whether output `name` was asked for (true for every output when the
  // request names none).
  bool WantsOutput(std::string_view name) const;
  // Leading dimension of the first input, for models that batch; 1 when
  // there is no input or it is a scalar.
  int64_t BatchSize() const;
  bool IsCancelled() const { return cancelled->load(std::memory_order_relaxed); }
};

struct InferenceResponse {
  std::string id;
  std::string model_name;
  int64_t model_version = 0;
  Status status;                  // non-OK: an error response, outputs empty
  std::vector<Tensor> outputs;
  Parameters parameters;
};

// Builds a response skeleton (id, model name and version) for `request`.
std::unique_ptr<InferenceResponse> MakeResponse(const InferenceRequest& request,
                                                int64_t model_version);

// Sends a final error response for `request` through its sink. Safe to call
// with a request whose sink is null (the error is then dropped).
void RespondWithError(const InferenceRequest& request, int64_t model_version, Status status);

}  // namespace strato
