#include "v2_json_codec.h"

#include <algorithm>
#include <numeric>
#include <unordered_set>

#include "binary_extension.h"
#include "json_tensor_data.h"
#include "json_util.h"

namespace strato::http {
namespace {

using simdjson::dom::element;

std::string InputLabel(size_t index, std::string_view name) {
  if (name.empty()) return "inputs[" + std::to_string(index) + "]";
  return "input '" + std::string(name) + "'";
}

Status ReadShape(element e, const std::string& label, std::vector<int64_t>* shape) {
  simdjson::dom::array dims;
  if (e.get(dims)) return InvalidArgumentError(label + ": 'shape' must be an array of integers");
  for (element d : dims) {
    int64_t v;
    if (d.get(v) || v < 0) {
      return InvalidArgumentError(label + ": 'shape' must hold non-negative integers");
    }
    shape->push_back(v);
  }
  if (ElementCount(*shape) < 0) return InvalidArgumentError(label + ": 'shape' overflows");
  return Status::Ok();
}

Status ReadInput(element e, size_t index, const std::shared_ptr<const std::string>& body,
                 BinaryInputSlicer* slicer, Tensor* tensor) {
  simdjson::dom::object obj;
  if (e.get(obj)) return InvalidArgumentError(InputLabel(index, {}) + " must be a JSON object");
  std::string_view name;
  if (obj["name"].get(name)) {
    return InvalidArgumentError(InputLabel(index, {}) + ": missing string 'name'");
  }
  const std::string label = InputLabel(index, name);
  std::string_view type_name;
  if (obj["datatype"].get(type_name)) return InvalidArgumentError(label + ": missing string 'datatype'");
  auto type = DataTypeFromName(type_name);
  if (!type || *type == DataType::kInvalid) {
    return InvalidArgumentError(label + ": unknown datatype '" + std::string(type_name) + "'");
  }
  element shape_e;
  if (obj["shape"].get(shape_e)) return InvalidArgumentError(label + ": missing 'shape'");
  std::vector<int64_t> shape;
  RETURN_IF_ERROR(ReadShape(shape_e, label, &shape));
  *tensor = Tensor(std::string(name), *type, std::move(shape));

  bool has_binary = false;
  uint64_t binary_size = 0;
  element params;
  if (!obj["parameters"].get(params)) {
    simdjson::dom::object pobj;
    if (params.get(pobj)) return InvalidArgumentError(label + ": 'parameters' must be an object");
    element size_e;
    if (!pobj["binary_data_size"].get(size_e)) {
      if (size_e.get(binary_size)) {
        return InvalidArgumentError(label + ": parameters.binary_data_size must be a non-negative integer");
      }
      has_binary = true;
    }
  }
  element data;
  const bool has_data = !obj["data"].get(data);
  if (has_binary) {
    if (has_data) return InvalidArgumentError(label + ": has both 'data' and parameters.binary_data_size");
    ASSIGN_OR_RETURN(auto slice, slicer->Take(name, binary_size));
    tensor->SetView(slice.data(), slice.size(), body);
    return tensor->Validate().WithPrefix(label);
  }
  if (!has_data) return InvalidArgumentError(label + ": missing 'data' (and no parameters.binary_data_size)");
  return ReadTensorData(data, tensor);
}

Status ReadOutputs(element e, std::vector<RequestedOutput>* outputs) {
  simdjson::dom::array arr;
  if (e.get(arr)) return InvalidArgumentError("'outputs' must be an array");
  size_t index = 0;
  for (element o : arr) {
    const std::string at = "outputs[" + std::to_string(index++) + "]";
    std::string_view name;
    if (o["name"].get(name)) return InvalidArgumentError(at + ": missing string 'name'");
    RequestedOutput out;
    out.name = std::string(name);
    element params;
    if (!o["parameters"].get(params)) {
      RETURN_IF_ERROR(ReadParameters(params, "output '" + out.name + "' parameters", &out.parameters));
      if (auto it = out.parameters.find("binary_data"); it != out.parameters.end()) {
        if (!std::holds_alternative<bool>(it->second)) {
          return InvalidArgumentError("output '" + out.name + "': parameters.binary_data must be a bool");
        }
        out.binary_data = std::get<bool>(it->second);
      }
      if (auto it = out.parameters.find("classification"); it != out.parameters.end()) {
        if (!std::holds_alternative<int64_t>(it->second) || std::get<int64_t>(it->second) < 0) {
          return InvalidArgumentError("output '" + out.name +
                                      "': parameters.classification must be a non-negative integer");
        }
        out.class_count = std::get<int64_t>(it->second);
      }
    }
    outputs->push_back(std::move(out));
  }
  return Status::Ok();
}

Status ApplyRequestParameters(InferenceRequest* request) {
  for (const auto& [key, value] : request->parameters) {
    if (key == "priority" || key == "timeout") {
      if (!std::holds_alternative<int64_t>(value) || std::get<int64_t>(value) < 0) {
        return InvalidArgumentError("request parameter '" + key + "' must be a non-negative integer");
      }
      const auto v = static_cast<uint64_t>(std::get<int64_t>(value));
      (key == "priority" ? request->priority : request->timeout_us) = v;
    } else if (key == "binary_data_output" && !std::holds_alternative<bool>(value)) {
      return InvalidArgumentError("request parameter 'binary_data_output' must be a bool");
    }
  }
  return Status::Ok();
}

}  // namespace

StatusOr<std::unique_ptr<InferenceRequest>> DecodeInferRequest(
    std::shared_ptr<const std::string> body, std::string_view header_length) {
  ASSIGN_OR_RETURN(InferenceBodyParts parts, SplitInferenceBody(*body, header_length));
  ASSIGN_OR_RETURN(element root, ParseJson(body->data(), parts.json.size(), body->capacity(),
                                           "inference request"));
  simdjson::dom::object obj;
  if (root.get(obj)) return InvalidArgumentError("inference request must be a JSON object");
  auto request = std::make_unique<InferenceRequest>();
  element e;
  if (!obj["id"].get(e)) {
    std::string_view id;
    if (e.get(id)) return InvalidArgumentError("'id' must be a string");
    request->id = std::string(id);
  }
  if (!obj["parameters"].get(e)) {
    RETURN_IF_ERROR(ReadParameters(e, "request 'parameters'", &request->parameters));
    RETURN_IF_ERROR(ApplyRequestParameters(request.get()));
  }
  simdjson::dom::array inputs;
  if (obj["inputs"].get(e)) return InvalidArgumentError("missing 'inputs'");
  if (e.get(inputs)) return InvalidArgumentError("'inputs' must be an array");
  BinaryInputSlicer slicer(parts.binary);
  request->inputs.resize(inputs.size());
  size_t index = 0;
  for (element input : inputs) {
    Tensor& tensor = request->inputs[index];
    RETURN_IF_ERROR(ReadInput(input, index, body, &slicer, &tensor));
    for (size_t j = 0; j < index; ++j) {
      if (request->inputs[j].name() == tensor.name()) {
        return InvalidArgumentError("input '" + tensor.name() + "' appears more than once");
      }
    }
    ++index;
  }
  RETURN_IF_ERROR(slicer.Finish());
  if (!obj["outputs"].get(e)) RETURN_IF_ERROR(ReadOutputs(e, &request->outputs));
  return request;
}

InferOutputOptions OutputOptionsFor(const InferenceRequest& request, bool model_batches) {
  InferOutputOptions options;
  options.outputs = request.outputs;
  options.model_batches = model_batches;
  if (auto it = request.parameters.find("binary_data_output"); it != request.parameters.end()) {
    if (const bool* b = std::get_if<bool>(&it->second)) options.binary_default = *b;
  }
  return options;
}

}  // namespace strato::http
