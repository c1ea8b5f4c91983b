#include "record_json.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace strato::registry {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void Str(Writer& w, const std::string& s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }

StatusOr<rapidjson::Document> Parse(const std::string& json, rapidjson::Type type) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || doc.GetType() != type) {
    return InternalError("registry catalogue holds malformed JSON: " + json.substr(0, 80));
  }
  return doc;
}

std::string Member(const rapidjson::Value& object, const char* name) {
  auto it = object.FindMember(name);
  if (it == object.MemberEnd() || !it->value.IsString()) return {};
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

}  // namespace

std::string FilesToJson(const std::vector<ArtifactFile>& files) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartArray();
  for (const auto& f : files) {
    w.StartObject();
    w.Key("path");
    Str(w, f.path);
    w.Key("sha256");
    Str(w, f.sha256);
    w.Key("size");
    w.Uint64(f.size);
    w.EndObject();
  }
  w.EndArray();
  return buffer.GetString();
}

std::string LabelsToJson(const std::map<std::string, std::string>& labels) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  for (const auto& [k, v] : labels) {
    Str(w, k);
    Str(w, v);
  }
  w.EndObject();
  return buffer.GetString();
}

std::string MetricsToJson(const std::map<std::string, double>& metrics) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  for (const auto& [k, v] : metrics) {
    Str(w, k);
    w.Double(v);
  }
  w.EndObject();
  return buffer.GetString();
}

std::string LineageToJson(const Lineage& lineage) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("data_hash");
  Str(w, lineage.data_hash);
  w.Key("parameters");
  Str(w, lineage.parameters);
  w.Key("pipeline");
  Str(w, lineage.pipeline);
  w.Key("parent");
  Str(w, lineage.parent);
  w.EndObject();
  return buffer.GetString();
}

StatusOr<std::vector<ArtifactFile>> FilesFromJson(const std::string& json) {
  ASSIGN_OR_RETURN(rapidjson::Document doc, Parse(json, rapidjson::kArrayType));
  std::vector<ArtifactFile> files;
  for (const auto& item : doc.GetArray()) {
    if (!item.IsObject()) return InternalError("registry catalogue: malformed file list");
    ArtifactFile f;
    f.path = Member(item, "path");
    f.sha256 = Member(item, "sha256");
    auto size = item.FindMember("size");
    if (size != item.MemberEnd() && size->value.IsUint64()) f.size = size->value.GetUint64();
    files.push_back(std::move(f));
  }
  return files;
}

StatusOr<std::map<std::string, std::string>> LabelsFromJson(const std::string& json) {
  ASSIGN_OR_RETURN(rapidjson::Document doc, Parse(json, rapidjson::kObjectType));
  std::map<std::string, std::string> out;
  const rapidjson::Value& object = doc;  // const iterators: clang's C++20 mode rejects the others' ==
  for (const auto& m : object.GetObject()) {
    if (m.value.IsString()) out[m.name.GetString()] = m.value.GetString();
  }
  return out;
}

StatusOr<std::map<std::string, double>> MetricsFromJson(const std::string& json) {
  ASSIGN_OR_RETURN(rapidjson::Document doc, Parse(json, rapidjson::kObjectType));
  std::map<std::string, double> out;
  const rapidjson::Value& object = doc;
  for (const auto& m : object.GetObject()) {
    if (m.value.IsNumber()) out[m.name.GetString()] = m.value.GetDouble();
  }
  return out;
}

StatusOr<Lineage> LineageFromJson(const std::string& json) {
  ASSIGN_OR_RETURN(rapidjson::Document doc, Parse(json, rapidjson::kObjectType));
  Lineage lineage;
  lineage.data_hash = Member(doc, "data_hash");
  lineage.parameters = Member(doc, "parameters");
  lineage.pipeline = Member(doc, "pipeline");
  lineage.parent = Member(doc, "parent");
  return lineage;
}

}  // namespace strato::registry
