#include "request_validator.h"

#include <set>

#include "strato/core/datatype.h"

namespace strato {
namespace {

std::string ShapeString(const std::vector<int64_t>& shape) {
  std::string out = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) out += ",";
    out += std::to_string(shape[i]);
  }
  return out + "]";
}

}  // namespace

RequestValidator::RequestValidator(const inference::ModelConfig& config)
    : model_(config.name()), max_batch_size_(config.max_batch_size()) {
  for (const auto& in : config.input()) {
    InputSpec spec;
    // Converting once here keeps the per-request path free of string look-ups.
    spec.datatype = DataTypeFromConfigName(inference::DataType_Name(in.data_type()))
                        .value_or(DataType::kInvalid);
    spec.dims.assign(in.dims().begin(), in.dims().end());
    spec.optional = in.optional();
    inputs_.emplace(in.name(), std::move(spec));
  }
  for (const auto& out : config.output()) outputs_.emplace(out.name(), 0);
}

Status RequestValidator::CheckInput(const Tensor& t, const InputSpec& spec, int64_t* batch) const {
  const std::string who = "input '" + t.name() + "' of model '" + model_ + "'";
  if (t.datatype() != spec.datatype) {
    return InvalidArgumentError(who + " has datatype " + std::string(DataTypeName(t.datatype())) +
                                " but the model expects " +
                                std::string(DataTypeName(spec.datatype)));
  }
  const auto& shape = t.shape();
  const size_t lead = max_batch_size_ > 0 ? 1 : 0;
  if (shape.size() != spec.dims.size() + lead) {
    std::string expected = ShapeString(spec.dims);
    if (lead) expected = "[batch] + " + expected;
    return InvalidArgumentError(who + " has shape " + ShapeString(shape) + " but the model expects " +
                                expected);
  }
  for (int64_t d : shape) {
    if (d < 0) return InvalidArgumentError(who + " has a negative dimension in shape " + ShapeString(shape));
  }
  if (lead) {
    const int64_t b = shape[0];
    if (b < 1) return InvalidArgumentError(who + " has batch size " + std::to_string(b) + "; must be >= 1");
    if (b > max_batch_size_) {
      return InvalidArgumentError("batch size " + std::to_string(b) + " exceeds max_batch_size " +
                                  std::to_string(max_batch_size_) + " of model '" + model_ + "'");
    }
    if (*batch >= 0 && *batch != b) {
      return InvalidArgumentError(who + " has batch size " + std::to_string(b) +
                                  " but other inputs have batch size " + std::to_string(*batch));
    }
    *batch = b;
  }
  for (size_t i = 0; i < spec.dims.size(); ++i) {
    if (spec.dims[i] != -1 && spec.dims[i] != shape[i + lead]) {
      return InvalidArgumentError(who + " has shape " + ShapeString(shape) + " but dimension " +
                                  std::to_string(i + lead) + " must be " +
                                  std::to_string(spec.dims[i]));
    }
  }
  Status data = t.Validate();
  if (!data.ok()) return InvalidArgumentError(who + ": " + data.message());
  return Status::Ok();
}

Status RequestValidator::Validate(const InferenceRequest& request) const {
  int64_t batch = -1;
  std::set<std::string_view> seen;
  for (const auto& t : request.inputs) {
    auto it = inputs_.find(t.name());
    if (it == inputs_.end()) {
      return InvalidArgumentError("unknown input '" + t.name() + "' for model '" + model_ + "'");
    }
    if (!seen.insert(t.name()).second) {
      return InvalidArgumentError("input '" + t.name() + "' given more than once for model '" +
                                  model_ + "'");
    }
    RETURN_IF_ERROR(CheckInput(t, it->second, &batch));
  }
  for (const auto& [name, spec] : inputs_) {
    if (!spec.optional && !seen.contains(name)) {
      return InvalidArgumentError("missing required input '" + name + "' for model '" + model_ + "'");
    }
  }
  for (const auto& out : request.outputs) {
    if (!outputs_.contains(out.name)) {
      return InvalidArgumentError("unknown output '" + out.name + "' requested from model '" +
                                  model_ + "'");
    }
  }
  return Status::Ok();
}

}  // namespace strato
