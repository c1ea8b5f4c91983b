// Request validation: checks an InferenceRequest against a model's config
// before it reaches the scheduler, so that backends only see well-formed
// requests.
//
// Checks: every non-optional input present; no unknown or repeated input;
// datatype as configured; shape rank and dims as configured (-1 = any), with
// a leading batch dimension in [1, max_batch_size] when max_batch_size > 0
// (the same for every input); data length agrees with shape (Tensor::Validate);
// every requested output known.
//
// Errors are INVALID_ARGUMENT and name the model, the tensor and the problem,
// e.g. "batch size 9 exceeds max_batch_size 8 of model 'x'".
//
// Thread-safety: immutable after construction; Validate may be called from
// any thread.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "model_config.pb.h"
#include "strato/core/inference.h"
#include "strato/core/status.h"

namespace strato {

class RequestValidator {
 public:
  explicit RequestValidator(const inference::ModelConfig& config);

  Status Validate(const InferenceRequest& request) const;

 private:
  struct InputSpec {
    DataType datatype = DataType::kInvalid;
    std::vector<int64_t> dims;
    bool optional = false;
  };

  Status CheckInput(const Tensor& tensor, const InputSpec& spec, int64_t* batch) const;

  std::string model_;
  int64_t max_batch_size_ = 0;
  std::map<std::string, InputSpec, std::less<>> inputs_;
  std::map<std::string, int, std::less<>> outputs_;  // value unused; a sorted set with find(string_view)
};

}  // namespace strato
