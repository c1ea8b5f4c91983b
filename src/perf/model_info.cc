#include "model_info.h"

#include <cstdlib>

#include <rapidjson/document.h>

namespace strato::perf {
namespace {

Status ParseTensorList(const rapidjson::Value& doc, const char* key, std::vector<TensorInfo>* out) {
  auto it = doc.FindMember(key);
  if (it == doc.MemberEnd()) return Status::Ok();  // a model may have no outputs listed
  if (!it->value.IsArray()) return InvalidArgumentError(std::string("metadata: '") + key + "' is not an array");
  for (const auto& t : it->value.GetArray()) {
    if (!t.IsObject() || !t.HasMember("name") || !t["name"].IsString() || !t.HasMember("datatype") ||
        !t["datatype"].IsString() || !t.HasMember("shape") || !t["shape"].IsArray()) {
      return InvalidArgumentError(std::string("metadata: malformed tensor in '") + key + "'");
    }
    TensorInfo info;
    info.name = t["name"].GetString();
    auto dt = DataTypeFromName(t["datatype"].GetString());
    if (!dt) return InvalidArgumentError("metadata: unknown datatype '" + std::string(t["datatype"].GetString()) + "'");
    info.datatype = *dt;
    for (const auto& d : t["shape"].GetArray()) {
      if (!d.IsInt64()) return InvalidArgumentError("metadata: shape of '" + info.name + "' is not integers");
      info.shape.push_back(d.GetInt64());
    }
    out->push_back(std::move(info));
  }
  return Status::Ok();
}

}  // namespace

StatusOr<ModelInfo> ParseModelMetadataJson(std::string_view json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) return InvalidArgumentError("metadata: not a JSON object");
  ModelInfo info;
  if (doc.HasMember("name") && doc["name"].IsString()) info.name = doc["name"].GetString();
  if (doc.HasMember("versions") && doc["versions"].IsArray()) {
    for (const auto& v : doc["versions"].GetArray()) {
      if (v.IsString()) info.versions.push_back(v.GetString());
    }
  }
  RETURN_IF_ERROR(ParseTensorList(doc, "inputs", &info.inputs));
  RETURN_IF_ERROR(ParseTensorList(doc, "outputs", &info.outputs));
  if (info.inputs.empty()) return InvalidArgumentError("metadata: model has no inputs");
  return info;
}

Status ApplyModelConfigJson(std::string_view json, ModelInfo* info) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) return InvalidArgumentError("config: not a JSON object");
  const rapidjson::Value* config = &doc;
  if (doc.HasMember("config") && doc["config"].IsObject()) config = &doc["config"];
  info->max_batch_size = 0;
  auto it = config->FindMember("max_batch_size");
  if (it != config->MemberEnd()) {
    if (it->value.IsInt64()) info->max_batch_size = it->value.GetInt64();
    else if (it->value.IsString()) info->max_batch_size = std::atoll(it->value.GetString());
    else return InvalidArgumentError("config: max_batch_size is not a number");
  }
  info->config_known = true;
  return Status::Ok();
}

void GuessBatching(ModelInfo* info) {
  bool all_leading_variable = !info->inputs.empty();
  for (const auto& in : info->inputs) {
    if (in.shape.empty() || in.shape[0] != -1) all_leading_variable = false;
  }
  // Unknown limit: let the server judge the batch size.
  info->max_batch_size = all_leading_variable ? INT64_MAX : 0;
}

StatusOr<std::vector<int64_t>> ResolveShape(const TensorInfo& input, const ModelInfo& info,
                                            int64_t batch_size,
                                            const std::map<std::string, std::vector<int64_t>>& overrides) {
  const bool batching = info.max_batch_size > 0;
  if (!batching && batch_size > 1) {
    return InvalidArgumentError("model '" + info.name + "' does not batch (max_batch_size 0); drop -b");
  }
  if (batching && batch_size > info.max_batch_size) {
    return InvalidArgumentError("batch size " + std::to_string(batch_size) + " exceeds max_batch_size " +
                                std::to_string(info.max_batch_size));
  }
  std::vector<int64_t> dims = input.shape;
  if (batching && !dims.empty()) dims.erase(dims.begin());
  auto ov = overrides.find(input.name);
  if (ov != overrides.end()) {
    if (ov->second.size() != dims.size()) {
      return InvalidArgumentError("--shape " + input.name + ": model expects " + std::to_string(dims.size()) +
                                  " dims (without the batch dim), got " + std::to_string(ov->second.size()));
    }
    for (size_t i = 0; i < dims.size(); ++i) {
      if (dims[i] >= 0 && dims[i] != ov->second[i]) {
        return InvalidArgumentError("--shape " + input.name + ": dim " + std::to_string(i) + " is fixed at " +
                                    std::to_string(dims[i]));
      }
      dims[i] = ov->second[i];
    }
  }
  for (int64_t d : dims) {
    if (d < 0) {
      return InvalidArgumentError("input '" + input.name + "' has variable dims; give them with --shape " +
                                  input.name + ":D1,D2...");
    }
  }
  if (batching) dims.insert(dims.begin(), batch_size);
  return dims;
}

}  // namespace strato::perf
