// transform.json: the fitted transform as a JSON document (rapidjson).
// Doubles are written shortest-round-trip, so the served transform uses
// bit-identical means and deviations.
#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include "strato/features/transform.h"

namespace strato::features {
namespace {

using Writer = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

void WriteStrings(Writer& w, const char* key, const std::vector<std::string>& items) {
  w.Key(key);
  w.StartArray();
  for (const auto& s : items) w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size()));
  w.EndArray();
}

void WriteInts(Writer& w, const char* key, const std::vector<int>& items) {
  w.Key(key);
  w.StartArray();
  for (int v : items) w.Int(v);
  w.EndArray();
}

void WriteDoubles(Writer& w, const char* key, const std::vector<double>& items) {
  w.Key(key);
  w.StartArray();
  for (double v : items) w.Double(v);
  w.EndArray();
}

using Value = rapidjson::Value;

Status Fail(const std::string& what) {
  return InvalidArgumentError("transform.json: " + what);
}

StatusOr<std::vector<std::string>> ReadStrings(const Value& obj, const char* key) {
  std::vector<std::string> out;
  if (!obj.HasMember(key)) return out;
  const Value& a = obj[key];
  if (!a.IsArray()) return Fail(std::string(key) + " must be an array");
  for (const auto& v : a.GetArray()) {
    if (!v.IsString()) return Fail(std::string(key) + " must hold strings");
    out.emplace_back(v.GetString(), v.GetStringLength());
  }
  return out;
}

StatusOr<std::vector<double>> ReadDoubles(const Value& obj, const char* key) {
  std::vector<double> out;
  if (!obj.HasMember(key)) return out;
  const Value& a = obj[key];
  if (!a.IsArray()) return Fail(std::string(key) + " must be an array");
  for (const auto& v : a.GetArray()) {
    if (!v.IsNumber()) return Fail(std::string(key) + " must hold numbers");
    out.push_back(v.GetDouble());
  }
  return out;
}

StatusOr<std::vector<int>> ReadInts(const Value& obj, const char* key) {
  std::vector<int> out;
  if (!obj.HasMember(key)) return out;
  const Value& a = obj[key];
  if (!a.IsArray()) return Fail(std::string(key) + " must be an array");
  for (const auto& v : a.GetArray()) {
    if (!v.IsInt()) return Fail(std::string(key) + " must hold integers");
    out.push_back(v.GetInt());
  }
  return out;
}

std::string GetString(const Value& obj, const char* key) {
  return obj.HasMember(key) && obj[key].IsString() ? obj[key].GetString() : "";
}

double GetDouble(const Value& obj, const char* key) {
  return obj.HasMember(key) && obj[key].IsNumber() ? obj[key].GetDouble() : 0.0;
}

int GetInt(const Value& obj, const char* key, int fallback) {
  return obj.HasMember(key) && obj[key].IsInt() ? obj[key].GetInt() : fallback;
}

}  // namespace

std::string FeatureTransform::ToJson() const {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("format");
  w.String("strato.transform.v1");
  w.Key("inputs");
  w.StartArray();
  for (const Input& in : inputs_) {
    w.StartObject();
    w.Key("name");
    w.String(in.name.c_str());
    w.Key("type");
    w.String(std::string(ColumnTypeName(in.type)).c_str());
    w.EndObject();
  }
  w.EndArray();
  w.Key("steps");
  w.StartArray();
  for (size_t i = 0; i < spec_.steps.size(); ++i) {
    const StepSpec& s = spec_.steps[i];
    w.StartObject();
    w.Key("kind");
    w.String(s.kind.c_str());
    WriteStrings(w, "columns", s.columns);
    if (s.kind == "one_hot") {
      w.Key("max_categories");
      w.Int(s.max_categories);
      w.Key("categories");
      w.StartArray();
      for (const auto& cats : fitted_[i].categories) {
        w.StartArray();
        for (const auto& c : cats) w.String(c.c_str());
        w.EndArray();
      }
      w.EndArray();
    } else if (s.kind == "hash") {
      w.Key("buckets");
      w.Int(s.buckets);
    } else if (s.kind == "window") {
      w.Key("entity");
      w.String(s.entity.c_str());
      w.Key("time");
      w.String(s.time.c_str());
      WriteInts(w, "lags", s.lags);
      WriteInts(w, "sizes", s.sizes);
      WriteStrings(w, "stats", s.stats);
    } else if (s.kind == "standardise") {
      WriteDoubles(w, "means", fitted_[i].means);
      WriteDoubles(w, "sds", fitted_[i].sds);
    }
    w.EndObject();
  }
  w.EndArray();
  WriteStrings(w, "exclude", spec_.exclude);
  WriteStrings(w, "features", features_);
  w.Key("model");
  w.StartObject();
  w.Key("task");
  w.String(info_.task.c_str());
  w.Key("label");
  w.String(info_.label.c_str());
  w.Key("num_class");
  w.Int(info_.num_class);
  WriteStrings(w, "class_names", info_.class_names);
  w.Key("label_cap");
  w.Double(info_.label_cap);
  w.Key("risk_horizon");
  w.Double(info_.risk_horizon);
  w.Key("residual_std");
  w.Double(info_.residual_std);
  w.EndObject();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

StatusOr<FeatureTransform> FeatureTransform::FromJson(std::string_view json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) return Fail("not a JSON object");
  if (GetString(doc, "format") != "strato.transform.v1") {
    return Fail("format must be strato.transform.v1");
  }
  FeatureTransform t;
  if (!doc.HasMember("inputs") || !doc["inputs"].IsArray()) return Fail("inputs missing");
  for (const auto& in : doc["inputs"].GetArray()) {
    if (!in.IsObject()) return Fail("inputs must hold objects");
    const std::string type = GetString(in, "type");
    if (type != "number" && type != "string") return Fail("input type must be number or string");
    t.inputs_.push_back({GetString(in, "name"), type == "number" ? ColumnType::kNumber
                                                                 : ColumnType::kString});
  }
  if (!doc.HasMember("steps") || !doc["steps"].IsArray()) return Fail("steps missing");
  for (const auto& s : doc["steps"].GetArray()) {
    if (!s.IsObject()) return Fail("steps must hold objects");
    StepSpec step;
    Fitted fitted;
    step.kind = GetString(s, "kind");
    ASSIGN_OR_RETURN(step.columns, ReadStrings(s, "columns"));
    step.max_categories = GetInt(s, "max_categories", 50);
    step.buckets = GetInt(s, "buckets", 16);
    step.entity = GetString(s, "entity");
    step.time = GetString(s, "time");
    ASSIGN_OR_RETURN(step.lags, ReadInts(s, "lags"));
    ASSIGN_OR_RETURN(step.sizes, ReadInts(s, "sizes"));
    ASSIGN_OR_RETURN(step.stats, ReadStrings(s, "stats"));
    ASSIGN_OR_RETURN(fitted.means, ReadDoubles(s, "means"));
    ASSIGN_OR_RETURN(fitted.sds, ReadDoubles(s, "sds"));
    if (s.HasMember("categories") && s["categories"].IsArray()) {
      for (const auto& cats : s["categories"].GetArray()) {
        std::vector<std::string> list;
        if (!cats.IsArray()) return Fail("categories must hold arrays");
        for (const auto& c : cats.GetArray()) {
          if (c.IsString()) list.emplace_back(c.GetString());
        }
        fitted.categories.push_back(std::move(list));
      }
    }
    if (step.kind == "standardise" && (fitted.means.size() != step.columns.size() ||
                                       fitted.sds.size() != step.columns.size())) {
      return Fail("standardise needs one mean and sd per column");
    }
    if (step.kind == "one_hot" && fitted.categories.size() != step.columns.size()) {
      return Fail("one_hot needs one category list per column");
    }
    if (step.kind == "hash" && step.buckets < 1) return Fail("hash buckets must be >= 1");
    bool known = false;
    for (const auto& k : KnownStepKinds()) known = known || k == step.kind;
    if (!known) return Fail("unknown step kind '" + step.kind + "'");
    t.spec_.steps.push_back(std::move(step));
    t.fitted_.push_back(std::move(fitted));
  }
  ASSIGN_OR_RETURN(t.spec_.exclude, ReadStrings(doc, "exclude"));
  ASSIGN_OR_RETURN(t.features_, ReadStrings(doc, "features"));
  if (t.features_.empty()) return Fail("features is empty");
  if (doc.HasMember("model") && doc["model"].IsObject()) {
    const Value& m = doc["model"];
    t.info_.task = GetString(m, "task");
    t.info_.label = GetString(m, "label");
    t.info_.num_class = GetInt(m, "num_class", 1);
    ASSIGN_OR_RETURN(t.info_.class_names, ReadStrings(m, "class_names"));
    t.info_.label_cap = GetDouble(m, "label_cap");
    t.info_.risk_horizon = GetDouble(m, "risk_horizon");
    t.info_.residual_std = GetDouble(m, "residual_std");
  }
  return t;
}

}  // namespace strato::features
