#include "grpc_infer_codec.h"

#include <charconv>
#include <cstring>
#include <limits>
#include <string>
#include <type_traits>

#include "strato/core/datatype.h"

namespace strato::grpcfe {
namespace {

using inference::InferParameter;
using inference::InferTensorContents;
using InputTensor = inference::ModelInferRequest::InferInputTensor;

std::string InputError(const std::string& name, const std::string& problem) {
  return "input '" + name + "': " + problem;
}

std::string ShapeString(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ",";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

// Which typed field carries `type`, as the protocol defines it.
const char* TypedFieldFor(DataType type) {
  switch (type) {
    case DataType::kBool: return "bool_contents";
    case DataType::kInt8:
    case DataType::kInt16:
    case DataType::kInt32: return "int_contents";
    case DataType::kInt64: return "int64_contents";
    case DataType::kUint8:
    case DataType::kUint16:
    case DataType::kUint32: return "uint_contents";
    case DataType::kUint64: return "uint64_contents";
    case DataType::kFp32: return "fp32_contents";
    case DataType::kFp64: return "fp64_contents";
    case DataType::kBytes: return "bytes_contents";
    default: return nullptr;
  }
}

// Number of elements in each typed field, to spot a field that does not
// match the datatype (a common client mistake worth a precise message).
int OtherFilledField(const InferTensorContents& c, std::string_view expected, std::string* name) {
  const std::pair<const char*, int> sizes[] = {
      {"bool_contents", c.bool_contents_size()},   {"int_contents", c.int_contents_size()},
      {"int64_contents", c.int64_contents_size()}, {"uint_contents", c.uint_contents_size()},
      {"uint64_contents", c.uint64_contents_size()}, {"fp32_contents", c.fp32_contents_size()},
      {"fp64_contents", c.fp64_contents_size()},   {"bytes_contents", c.bytes_contents_size()}};
  for (const auto& [field, n] : sizes) {
    if (n > 0 && expected != field) {
      *name = field;
      return n;
    }
  }
  return 0;
}

// Copies `values` into `tensor` as elements of type T, checking the range.
template <typename T, typename Src>
Status StoreNarrowed(const Src& values, Tensor* tensor) {
  uint8_t* out = tensor->AllocateOwned(static_cast<size_t>(values.size()) * sizeof(T));
  for (int i = 0; i < values.size(); ++i) {
    const auto v = values.Get(i);
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
      if (v < static_cast<decltype(v)>(std::numeric_limits<T>::min()) ||
          v > static_cast<decltype(v)>(std::numeric_limits<T>::max())) {
        return InvalidArgumentError(InputError(tensor->name(), "value " + std::to_string(v) +
                                                                   " at index " + std::to_string(i) +
                                                                   " is out of range for " +
                                                                   std::string(DataTypeName(tensor->datatype()))));
      }
    }
    const T t = static_cast<T>(v);
    std::memcpy(out + static_cast<size_t>(i) * sizeof(T), &t, sizeof(T));
  }
  return Status::Ok();
}

// Typed contents -> owned buffer in the tensor's datatype.
Status DecodeTypedContents(const InferTensorContents& c, Tensor* tensor) {
  const DataType type = tensor->datatype();
  const char* field = TypedFieldFor(type);
  if (field == nullptr) {
    return InvalidArgumentError(InputError(
        tensor->name(), std::string(DataTypeName(type)) + " data must be sent in raw_input_contents"));
  }
  std::string other;
  if (OtherFilledField(c, field, &other) > 0) {
    return InvalidArgumentError(InputError(tensor->name(), "datatype " + std::string(DataTypeName(type)) +
                                                               " expects contents." + field + ", got contents." +
                                                               other));
  }
  Status s;
  switch (type) {
    case DataType::kBool: s = StoreNarrowed<bool>(c.bool_contents(), tensor); break;
    case DataType::kInt8: s = StoreNarrowed<int8_t>(c.int_contents(), tensor); break;
    case DataType::kInt16: s = StoreNarrowed<int16_t>(c.int_contents(), tensor); break;
    case DataType::kInt32: s = StoreNarrowed<int32_t>(c.int_contents(), tensor); break;
    case DataType::kInt64: s = StoreNarrowed<int64_t>(c.int64_contents(), tensor); break;
    case DataType::kUint8: s = StoreNarrowed<uint8_t>(c.uint_contents(), tensor); break;
    case DataType::kUint16: s = StoreNarrowed<uint16_t>(c.uint_contents(), tensor); break;
    case DataType::kUint32: s = StoreNarrowed<uint32_t>(c.uint_contents(), tensor); break;
    case DataType::kUint64: s = StoreNarrowed<uint64_t>(c.uint64_contents(), tensor); break;
    case DataType::kFp32: s = StoreNarrowed<float>(c.fp32_contents(), tensor); break;
    case DataType::kFp64: s = StoreNarrowed<double>(c.fp64_contents(), tensor); break;
    case DataType::kBytes: {
      std::vector<uint8_t> buffer;
      size_t total = 0;
      for (const std::string& e : c.bytes_contents()) total += 4 + e.size();
      buffer.reserve(total);
      for (const std::string& e : c.bytes_contents()) AppendBytesElement(&buffer, e);
      tensor->SetOwned(std::move(buffer));
      break;
    }
    default: break;
  }
  RETURN_IF_ERROR(s);
  const int64_t given = type == DataType::kBytes ? c.bytes_contents_size()
                                                 : static_cast<int64_t>(tensor->byte_size() / DataTypeByteSize(type));
  if (given != tensor->element_count()) {
    return InvalidArgumentError(InputError(tensor->name(), "contents." + std::string(field) + " has " +
                                                               std::to_string(given) + " elements but shape " +
                                                               ShapeString(tensor->shape()) + " needs " +
                                                               std::to_string(tensor->element_count())));
  }
  return Status::Ok();
}

Status CheckRawSize(const Tensor& tensor) {
  if (tensor.datatype() == DataType::kBytes) {
    Status s = tensor.Validate();
    if (!s.ok()) return InvalidArgumentError(InputError(tensor.name(), "raw_input_contents: " + s.message()));
    return Status::Ok();
  }
  const uint64_t expected =
      static_cast<uint64_t>(tensor.element_count()) * DataTypeByteSize(tensor.datatype());
  if (expected != tensor.byte_size()) {
    return InvalidArgumentError(InputError(
        tensor.name(), "raw_input_contents has " + std::to_string(tensor.byte_size()) + " bytes but shape " +
                           ShapeString(tensor.shape()) + " of " + std::string(DataTypeName(tensor.datatype())) +
                           " needs " + std::to_string(expected)));
  }
  return Status::Ok();
}

ParameterValue FromProto(const InferParameter& p) {
  switch (p.parameter_choice_case()) {
    case InferParameter::kBoolParam: return p.bool_param();
    case InferParameter::kInt64Param: return p.int64_param();
    case InferParameter::kDoubleParam: return p.double_param();
    case InferParameter::kUint64Param: return static_cast<int64_t>(p.uint64_param());
    case InferParameter::kStringParam: return p.string_param();
    default: return std::string();
  }
}

void ToProto(const ParameterValue& v, InferParameter* p) {
  if (const bool* b = std::get_if<bool>(&v)) p->set_bool_param(*b);
  else if (const int64_t* i = std::get_if<int64_t>(&v)) p->set_int64_param(*i);
  else if (const double* d = std::get_if<double>(&v)) p->set_double_param(*d);
  else p->set_string_param(std::get<std::string>(v));
}

// Non-negative integer parameter (priority, timeout); int64 or uint64 on the wire.
StatusOr<uint64_t> UnsignedParameter(const std::string& key, const InferParameter& p) {
  if (p.parameter_choice_case() == InferParameter::kUint64Param) return p.uint64_param();
  if (p.parameter_choice_case() == InferParameter::kInt64Param && p.int64_param() >= 0) {
    return static_cast<uint64_t>(p.int64_param());
  }
  return InvalidArgumentError("parameter '" + key + "' must be a non-negative integer (int64_param)");
}

Status DecodeParameters(const inference::ModelInferRequest& m, InferenceRequest* out) {
  for (const auto& [key, p] : m.parameters()) {
    if (key == "priority") {
      ASSIGN_OR_RETURN(out->priority, UnsignedParameter(key, p));
    } else if (key == "timeout") {
      ASSIGN_OR_RETURN(out->timeout_us, UnsignedParameter(key, p));
    } else {
      out->parameters.emplace(key, FromProto(p));
    }
  }
  return Status::Ok();
}

void DecodeRequestedOutputs(const inference::ModelInferRequest& m, InferenceRequest* out) {
  out->outputs.reserve(m.outputs_size());
  for (const auto& o : m.outputs()) {
    RequestedOutput& r = out->outputs.emplace_back();
    r.name = o.name();
    for (const auto& [key, p] : o.parameters()) {
      if (key == "classification" && p.has_int64_param()) {
        r.class_count = p.int64_param();
      } else if (key == "binary_data" && p.has_bool_param()) {
        r.binary_data = p.bool_param();
      } else {
        r.parameters.emplace(key, FromProto(p));
      }
    }
  }
}

}  // namespace

grpc::Status ToGrpcStatus(const Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(static_cast<int>(status.code())), status.message());
}

StatusOr<int64_t> ParseModelVersion(std::string_view version) {
  if (version.empty()) return int64_t{-1};
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(version.data(), version.data() + version.size(), v);
  if (ec != std::errc() || end != version.data() + version.size() || v < 0) {
    return InvalidArgumentError("model_version '" + std::string(version) + "' is not a version number");
  }
  return v;
}

Status DecodeInferRequest(const std::shared_ptr<const inference::ModelInferRequest>& message,
                          InferenceRequest* out) {
  const inference::ModelInferRequest& m = *message;
  out->model_name = m.model_name();
  ASSIGN_OR_RETURN(out->model_version, ParseModelVersion(m.model_version()));
  out->id = m.id();
  const bool raw = m.raw_input_contents_size() > 0;
  if (raw && m.raw_input_contents_size() != m.inputs_size()) {
    return InvalidArgumentError("raw_input_contents has " + std::to_string(m.raw_input_contents_size()) +
                                " entries but the request has " + std::to_string(m.inputs_size()) +
                                " inputs");
  }
  out->inputs.reserve(m.inputs_size());
  for (int i = 0; i < m.inputs_size(); ++i) {
    const InputTensor& in = m.inputs(i);
    const auto type = DataTypeFromName(in.datatype());
    if (!type || *type == DataType::kInvalid) {
      return InvalidArgumentError(InputError(in.name(), "unknown datatype '" + in.datatype() + "'"));
    }
    std::vector<int64_t> shape(in.shape().begin(), in.shape().end());
    for (int64_t d : shape) {
      if (d < 0) return InvalidArgumentError(InputError(in.name(), "negative dimension in shape " + ShapeString(shape)));
    }
    Tensor& t = out->inputs.emplace_back(in.name(), *type, std::move(shape));
    if (t.element_count() < 0) return InvalidArgumentError(InputError(in.name(), "shape overflows"));
    if (raw) {
      if (in.has_contents()) {
        return InvalidArgumentError(InputError(in.name(), "has contents although raw_input_contents is used"));
      }
      const std::string& bytes = m.raw_input_contents(i);
      // The view aliases the message; `message` keeps it alive (no copy).
      t.SetView(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), message);
      RETURN_IF_ERROR(CheckRawSize(t));
    } else {
      RETURN_IF_ERROR(DecodeTypedContents(in.contents(), &t));
    }
  }
  RETURN_IF_ERROR(DecodeParameters(m, out));
  DecodeRequestedOutputs(m, out);
  return Status::Ok();
}

void EncodeInferResponse(const InferenceResponse& response, inference::ModelInferResponse* out) {
  out->set_model_name(response.model_name);
  out->set_model_version(std::to_string(response.model_version));
  out->set_id(response.id);
  for (const auto& [key, value] : response.parameters) ToProto(value, &(*out->mutable_parameters())[key]);
  out->mutable_outputs()->Reserve(static_cast<int>(response.outputs.size()));
  out->mutable_raw_output_contents()->Reserve(static_cast<int>(response.outputs.size()));
  for (const Tensor& t : response.outputs) {
    auto* o = out->add_outputs();
    o->set_name(t.name());
    o->set_datatype(std::string(DataTypeName(t.datatype())));
    o->mutable_shape()->Assign(t.shape().begin(), t.shape().end());
    out->add_raw_output_contents(reinterpret_cast<const char*>(t.data()), t.byte_size());
  }
}

}  // namespace strato::grpcfe
