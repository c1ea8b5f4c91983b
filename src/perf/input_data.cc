#include "input_data.h"

#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

#include <rapidjson/document.h>

#include "strato/core/tensor.h"

namespace strato::perf {
namespace {

template <typename T>
void AppendRaw(T value, std::vector<uint8_t>* out) {
  uint8_t bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  out->insert(out->end(), bytes, bytes + sizeof(T));
}

// Appends one numeric element of `type` (not BYTES). Integers arrive as
// int64 to keep INT64/UINT64 exact; others as double.
void AppendNumber(DataType type, double d, int64_t i, bool is_int, std::vector<uint8_t>* out) {
  const int64_t iv = is_int ? i : static_cast<int64_t>(d);
  const double dv = is_int ? static_cast<double>(i) : d;
  switch (type) {
    case DataType::kBool: AppendRaw<uint8_t>(iv != 0 || dv != 0 ? 1 : 0, out); break;
    case DataType::kUint8: AppendRaw(static_cast<uint8_t>(iv), out); break;
    case DataType::kUint16: AppendRaw(static_cast<uint16_t>(iv), out); break;
    case DataType::kUint32: AppendRaw(static_cast<uint32_t>(iv), out); break;
    case DataType::kUint64: AppendRaw(static_cast<uint64_t>(iv), out); break;
    case DataType::kInt8: AppendRaw(static_cast<int8_t>(iv), out); break;
    case DataType::kInt16: AppendRaw(static_cast<int16_t>(iv), out); break;
    case DataType::kInt32: AppendRaw(static_cast<int32_t>(iv), out); break;
    case DataType::kInt64: AppendRaw(iv, out); break;
    case DataType::kFp16: AppendRaw(FloatToHalf(static_cast<float>(dv)), out); break;
    case DataType::kBf16: AppendRaw(FloatToBf16(static_cast<float>(dv)), out); break;
    case DataType::kFp32: AppendRaw(static_cast<float>(dv), out); break;
    case DataType::kFp64: AppendRaw(dv, out); break;
    default: break;
  }
}

bool IsIntegral(DataType t) {
  return t != DataType::kFp16 && t != DataType::kBf16 && t != DataType::kFp32 && t != DataType::kFp64;
}

// Flattens `v` (a scalar or nested arrays) into `out`; counts elements.
Status AppendJsonValue(const rapidjson::Value& v, DataType type, std::vector<uint8_t>* out, int64_t* count,
                       int depth) {
  if (depth > 32) return InvalidArgumentError("nesting too deep");
  if (v.IsArray()) {
    for (const auto& e : v.GetArray()) RETURN_IF_ERROR(AppendJsonValue(e, type, out, count, depth + 1));
    return Status::Ok();
  }
  if (type == DataType::kBytes) {
    if (!v.IsString()) return InvalidArgumentError("BYTES values must be strings");
    AppendBytesElement(out, std::string_view(v.GetString(), v.GetStringLength()));
  } else if (v.IsBool()) {
    AppendNumber(type, 0, v.GetBool() ? 1 : 0, true, out);
  } else if (v.IsInt64()) {
    AppendNumber(type, 0, v.GetInt64(), true, out);
  } else if (v.IsUint64()) {
    AppendNumber(type, 0, static_cast<int64_t>(v.GetUint64()), true, out);
  } else if (v.IsNumber()) {
    AppendNumber(type, v.GetDouble(), 0, false, out);
  } else {
    return InvalidArgumentError(std::string("expected numbers for ") + std::string(DataTypeName(type)));
  }
  ++*count;
  return Status::Ok();
}

// Repeats `row` (one row of `row_count` elements) batch times.
std::vector<uint8_t> RepeatRows(const std::vector<uint8_t>& row, int64_t times) {
  std::vector<uint8_t> out;
  out.reserve(row.size() * static_cast<size_t>(times));
  for (int64_t i = 0; i < times; ++i) out.insert(out.end(), row.begin(), row.end());
  return out;
}

StatusOr<InputTensor> DecodeEntryInput(const rapidjson::Value& value, const TensorInfo& meta,
                                       const ModelInfo& info, const PerfOptions& options) {
  const rapidjson::Value* content = &value;
  auto overrides = options.shapes;
  if (value.IsObject()) {
    if (value.HasMember("b64")) return UnimplementedError("\"b64\" values are not supported");
    if (!value.HasMember("content")) return InvalidArgumentError("object value needs \"content\"");
    content = &value["content"];
    if (value.HasMember("shape") && value["shape"].IsArray()) {
      std::vector<int64_t> dims;
      for (const auto& d : value["shape"].GetArray()) {
        if (!d.IsInt64()) return InvalidArgumentError("\"shape\" must hold integers");
        dims.push_back(d.GetInt64());
      }
      overrides[meta.name] = dims;
    }
  }
  InputTensor t{meta.name, meta.datatype, {}, {}};
  ASSIGN_OR_RETURN(t.shape, ResolveShape(meta, info, options.batch_size, overrides));
  int64_t count = 0;
  RETURN_IF_ERROR(AppendJsonValue(*content, meta.datatype, &t.raw, &count, 0));
  const int64_t total = ElementCount(t.shape);
  const bool batching = info.max_batch_size > 0;
  if (count == total) return t;
  if (batching && count * options.batch_size == total) {
    t.raw = RepeatRows(t.raw, options.batch_size);
    return t;
  }
  return InvalidArgumentError("has " + std::to_string(count) + " elements, shape needs " + std::to_string(total));
}

}  // namespace

StatusOr<std::vector<InputSet>> MakeSyntheticInputs(const ModelInfo& info, const PerfOptions& options,
                                                    bool zero) {
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> real(0.0, 1.0);
  std::uniform_int_distribution<int64_t> integer(0, 99);
  InputSet set;
  for (const TensorInfo& meta : info.inputs) {
    InputTensor t{meta.name, meta.datatype, {}, {}};
    ASSIGN_OR_RETURN(t.shape, ResolveShape(meta, info, options.batch_size, options.shapes));
    const int64_t n = ElementCount(t.shape);
    for (int64_t i = 0; i < n; ++i) {
      if (meta.datatype == DataType::kBytes) {
        std::string s(16, '0');
        if (!zero) {
          for (char& c : s) c = static_cast<char>('a' + integer(rng) % 26);
        }
        AppendBytesElement(&t.raw, s);
      } else if (IsIntegral(meta.datatype)) {
        int64_t v = zero ? 0 : integer(rng);
        if (meta.datatype == DataType::kBool) v &= 1;
        AppendNumber(meta.datatype, 0, v, true, &t.raw);
      } else {
        AppendNumber(meta.datatype, zero ? 0.0 : real(rng), 0, false, &t.raw);
      }
    }
    set.push_back(std::move(t));
  }
  return std::vector<InputSet>{std::move(set)};
}

StatusOr<std::vector<InputSet>> ParseInputDataJson(std::string_view json, const ModelInfo& info,
                                                   const PerfOptions& options) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) return InvalidArgumentError("input data: not a JSON object");
  if (!doc.HasMember("data") || !doc["data"].IsArray() || doc["data"].Empty()) {
    return InvalidArgumentError("input data: needs a non-empty \"data\" array");
  }
  std::vector<InputSet> sets;
  size_t index = 0;
  for (const auto& entry : doc["data"].GetArray()) {
    const std::string where = "input data entry " + std::to_string(index++);
    if (!entry.IsObject()) return InvalidArgumentError(where + ": not an object");
    InputSet set;
    for (const TensorInfo& meta : info.inputs) {
      auto it = entry.FindMember(meta.name.c_str());
      if (it == entry.MemberEnd()) return InvalidArgumentError(where + ": missing input '" + meta.name + "'");
      auto tensor = DecodeEntryInput(it->value, meta, info, options);
      if (!tensor.ok()) return tensor.status().WithPrefix(where + ", input '" + meta.name + "'");
      set.push_back(std::move(tensor).value());
    }
    sets.push_back(std::move(set));
  }
  return sets;
}

StatusOr<std::vector<InputSet>> BuildInputSets(const ModelInfo& info, const PerfOptions& options) {
  switch (options.input_mode) {
    case InputMode::kRandom: return MakeSyntheticInputs(info, options, false);
    case InputMode::kZero: return MakeSyntheticInputs(info, options, true);
    case InputMode::kFile: break;
  }
  std::ifstream in(options.input_file, std::ios::binary);
  if (!in) return NotFoundError("cannot read input data file '" + options.input_file + "'");
  std::stringstream buffer;
  buffer << in.rdbuf();
  return ParseInputDataJson(buffer.str(), info, options);
}

}  // namespace strato::perf
