// The management REST API over the registry and the deployer (routes in
// strato/deploy/deployer.h). Bodies are parsed with rapidjson; every error
// names the field or the thing that is missing.
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <charconv>
#include <vector>

#include "strato/core/auth.h"
#include "strato/core/model_name.h"
#include "strato/deploy/deployer.h"
#include "version_upload.h"

namespace strato::deploy {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;
using registry::VersionRecord;

void Str(Writer& w, std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }

ManagementResponse Error(int status, const std::string& message) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("error");
  Str(w, message);
  w.EndObject();
  return {status, buffer.GetString()};
}

ManagementResponse FromStatus(const Status& status) {
  if (status.ok()) return {200, "{\"ok\":true}"};
  return Error(HttpStatusFor(status), status.message());
}

void WriteStats(Writer& w, const char* key, const WindowStats& s) {
  w.Key(key);
  w.StartObject();
  w.Key("requests");
  w.Int64(s.requests);
  w.Key("errors");
  w.Int64(s.errors);
  w.Key("error_rate");
  w.Double(s.error_rate());
  w.Key("p99_us");
  w.Double(s.p99_us);
  if (s.quality) {
    w.Key("quality");
    w.Double(*s.quality);
  }
  w.EndObject();
}

void WriteVersion(Writer& w, const VersionRecord& r) {
  w.StartObject();
  w.Key("model"); Str(w, r.model);
  w.Key("version"); w.Int64(r.version);
  w.Key("digest"); Str(w, r.digest);
  w.Key("stage"); Str(w, registry::StageName(r.stage));
  w.Key("created_by"); Str(w, r.created_by);
  w.Key("created_at"); w.Int64(r.created_at);
  w.Key("bytes"); w.Uint64(r.total_bytes());
  w.Key("labels"); w.StartObject();
  for (const auto& [k, v] : r.labels) { Str(w, k); Str(w, v); }
  w.EndObject();
  w.Key("metrics"); w.StartObject();
  for (const auto& [k, v] : r.metrics) { Str(w, k); w.Double(v); }
  w.EndObject();
  w.Key("lineage"); w.StartObject();
  w.Key("data_hash"); Str(w, r.lineage.data_hash);
  w.Key("parameters"); Str(w, r.lineage.parameters);
  w.Key("pipeline"); Str(w, r.lineage.pipeline);
  w.Key("parent"); Str(w, r.lineage.parent);
  w.EndObject();
  w.Key("files"); w.StartArray();
  for (const auto& f : r.files) {
    w.StartObject();
    w.Key("path"); Str(w, f.path);
    w.Key("sha256"); Str(w, f.sha256);
    w.Key("size"); w.Uint64(f.size);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

ManagementResponse DescribeReply(const DeploymentView& v) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("model"); Str(w, v.spec.model);
  w.Key("production"); w.Int64(v.spec.production);
  w.Key("canary"); w.Int64(v.spec.canary);
  w.Key("canary_weight"); w.Double(v.spec.canary_weight);
  w.Key("shadow"); w.Int64(v.spec.shadow);
  w.Key("sticky_key"); Str(w, v.spec.sticky_key);
  w.Key("generation"); w.Int64(v.spec.generation);
  w.Key("canary_age_secs"); w.Double(v.canary_age_secs);
  WriteStats(w, "production_window", v.production);
  WriteStats(w, "canary_window", v.canary);
  WriteStats(w, "shadow_window", v.shadow);
  w.Key("shadow_compared"); w.Int64(v.shadow_compared);
  w.Key("shadow_mismatched"); w.Int64(v.shadow_mismatched);
  w.Key("shadow_failed"); w.Int64(v.shadow_failed);
  w.Key("shadow_dropped");
  w.Int64(v.shadow_dropped);
  w.Key("next_decision"); Str(w, DecisionName(v.next.decision));
  w.Key("next_reason"); Str(w, v.next.reason);
  w.EndObject();
  return {200, buffer.GetString()};
}

std::vector<std::string> Split(std::string_view path) {
  if (auto q = path.find('?'); q != std::string_view::npos) path = path.substr(0, q);
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < path.size()) {
    if (path[pos] == '/') { ++pos; continue; }
    size_t end = path.find('/', pos);
    if (end == std::string_view::npos) end = path.size();
    out.emplace_back(path.substr(pos, end - pos));
    pos = end;
  }
  return out;
}

StatusOr<int64_t> ParseVersion(const std::string& text) {
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size() || v <= 0) {
    return InvalidArgumentError("version '" + text.substr(0, 40) + "' is not a positive integer");
  }
  return v;
}

// The JSON body as an object (an empty body is an empty object).
StatusOr<rapidjson::Document> ParseBody(const std::string& body) {
  rapidjson::Document doc;
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) {
    doc.SetObject();
    return doc;
  }
  doc.Parse(body.data(), body.size());
  if (doc.HasParseError()) return InvalidArgumentError("request body is not valid JSON");
  if (!doc.IsObject()) return InvalidArgumentError("request body must be a JSON object");
  return doc;
}

StatusOr<int64_t> IntField(const rapidjson::Document& doc, const char* name, bool required) {
  auto it = doc.FindMember(name);
  if (it == doc.MemberEnd()) {
    if (required) return InvalidArgumentError("field '" + std::string(name) + "' is required");
    return int64_t{0};
  }
  if (!it->value.IsInt64() || it->value.GetInt64() < 0) {
    return InvalidArgumentError("field '" + std::string(name) + "' must be a non-negative integer");
  }
  return it->value.GetInt64();
}

StatusOr<double> NumberField(const rapidjson::Document& doc, const char* name, double fallback) {
  auto it = doc.FindMember(name);
  if (it == doc.MemberEnd()) return fallback;
  if (!it->value.IsNumber()) return InvalidArgumentError("field '" + std::string(name) + "' must be a number");
  return it->value.GetDouble();
}

StatusOr<std::string> StringField(const rapidjson::Document& doc, const char* name) {
  auto it = doc.FindMember(name);
  if (it == doc.MemberEnd()) return std::string();
  if (!it->value.IsString()) return InvalidArgumentError("field '" + std::string(name) + "' must be a string");
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

// Who the audit log names: the authenticated principal when the server
// checks keys (a client cannot claim to be someone else), else what the
// request says, else `fallback`.
std::string Actor(const std::string& claimed, const char* fallback) {
  const Principal& principal = CurrentPrincipal();
  if (principal.name != "anonymous") return principal.name;
  return claimed.empty() ? fallback : claimed;
}

#define STRATO_MGMT_ASSIGN(lhs, expr)                   \
  auto lhs##_or = (expr);                               \
  if (!lhs##_or.ok()) return FromStatus(lhs##_or.status()); \
  auto lhs = std::move(lhs##_or).value()

// POST /v1/registry/models/{m}/versions: a push over the API. Body:
// {"files": {"<relative path>": "<base64>", ...}, "labels": {k: "v"},
//  "metrics": {k: number}, "lineage": {"data_hash", "parameters", "pipeline",
//  "parent"}, "created_by": "..."}; a top-level config.pbtxt is the config.
ManagementResponse PushVersion(registry::Registry* registry, const std::string& model, const std::string& body) {
  STRATO_MGMT_ASSIGN(doc, ParseBody(body));
  const rapidjson::Value& object = doc;  // const iterators (see record_json.cc)
  auto files = object.FindMember("files");
  if (files == object.MemberEnd()) return Error(400, "field 'files' is required: {\"<relative path>\": \"<base64>\"}");
  registry::PushRequest request;
  request.model = model;
  if (auto labels = object.FindMember("labels"); labels != object.MemberEnd()) {
    if (!labels->value.IsObject()) return Error(400, "field 'labels' must be an object of strings");
    for (auto it = labels->value.MemberBegin(); it != labels->value.MemberEnd(); ++it) {
      if (!it->value.IsString()) return Error(400, "labels['" + std::string(it->name.GetString()) + "'] must be a string");
      request.labels[it->name.GetString()] = std::string(it->value.GetString(), it->value.GetStringLength());
    }
  }
  if (auto metrics = object.FindMember("metrics"); metrics != object.MemberEnd()) {
    if (!metrics->value.IsObject()) return Error(400, "field 'metrics' must be an object of numbers");
    for (auto it = metrics->value.MemberBegin(); it != metrics->value.MemberEnd(); ++it) {
      if (!it->value.IsNumber()) return Error(400, "metrics['" + std::string(it->name.GetString()) + "'] must be a number");
      request.metrics[it->name.GetString()] = it->value.GetDouble();
    }
  }
  if (auto lineage = object.FindMember("lineage"); lineage != object.MemberEnd()) {
    if (!lineage->value.IsObject()) return Error(400, "field 'lineage' must be an object");
    const std::pair<const char*, std::string*> fields[] = {{"data_hash", &request.lineage.data_hash},
                                                           {"parameters", &request.lineage.parameters},
                                                           {"pipeline", &request.lineage.pipeline},
                                                           {"parent", &request.lineage.parent}};
    for (auto it = lineage->value.MemberBegin(); it != lineage->value.MemberEnd(); ++it) {
      std::string* target = nullptr;
      for (const auto& [name, field] : fields) {
        if (std::string_view(it->name.GetString()) == name) target = field;
      }
      if (target == nullptr) return Error(400, "lineage." + std::string(it->name.GetString()) + " is not a lineage field (data_hash, parameters, pipeline, parent)");
      if (!it->value.IsString()) return Error(400, "lineage." + std::string(it->name.GetString()) + " must be a string");
      target->assign(it->value.GetString(), it->value.GetStringLength());
    }
  }
  STRATO_MGMT_ASSIGN(created_by, StringField(doc, "created_by"));
  request.created_by = Actor(created_by, "api");
  STRATO_MGMT_ASSIGN(upload, UploadedVersion::Write(files->value, registry->dir() / "uploads"));
  request.source_dir = upload->dir();
  STRATO_MGMT_ASSIGN(record, registry->Push(request));
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  WriteVersion(w, record);
  return {201, buffer.GetString()};
}

ManagementResponse RouteRegistry(Deployer* deployer, registry::Registry* registry, const std::string& method,
                                 const std::vector<std::string>& p, const std::string& body,
                                 const std::string& actor) {
  // p: v1 registry models [m [versions [v [archive]]]]
  if (p.size() < 3 || p[2] != "models") return Error(404, "no such registry route");
  if (p.size() >= 4) {
    if (Status valid = ValidateModelName(p[3]); !valid.ok()) return FromStatus(valid);
  }
  if (p.size() == 5 && p[4] == "versions" && method == "POST") return PushVersion(registry, p[3], body);
  if (p.size() <= 4 || (p.size() == 5 && p[4] == "versions")) {
    if (method != "GET") return Error(405, method + " is not allowed here; use GET (POST on .../versions pushes)");
    STRATO_MGMT_ASSIGN(versions, registry->List(p.size() >= 4 ? p[3] : ""));
    if (p.size() >= 4 && versions.empty()) return Error(404, "unknown model '" + p[3] + "' in the registry");
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    w.StartArray();
    for (const auto& v : versions) WriteVersion(w, v);
    w.EndArray();
    return {200, buffer.GetString()};
  }
  if (p[4] != "versions" || p.size() < 6 || p.size() > 7) return Error(404, "no such registry route");
  STRATO_MGMT_ASSIGN(version, ParseVersion(p[5]));
  if (p.size() == 7) {
    if (p[6] != "archive") return Error(404, "no such registry route");
    if (method != "POST") return Error(405, method + " is not allowed here; use POST");
    return FromStatus(deployer->Archive(p[3], version, actor));
  }
  if (method == "DELETE") return FromStatus(deployer->Delete(p[3], version, actor));
  if (method != "GET") return Error(405, method + " is not allowed here; use GET or DELETE");
  STRATO_MGMT_ASSIGN(record, registry->Get(p[3], version));
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  WriteVersion(w, record);
  return {200, buffer.GetString()};
}

ManagementResponse Audit(registry::Registry* registry, const std::string& model) {
  STRATO_MGMT_ASSIGN(entries, registry->ListAudit(model, 200));
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartArray();
  for (const auto& e : entries) {
    w.StartObject();
    w.Key("id"); w.Int64(e.id);
    w.Key("time_ms"); w.Int64(e.time_ms);
    w.Key("model"); Str(w, e.model);
    w.Key("action"); Str(w, e.action);
    w.Key("actor"); Str(w, e.actor);
    w.Key("detail"); w.RawValue(e.detail.data(), e.detail.size(), rapidjson::kObjectType);
    w.EndObject();
  }
  w.EndArray();
  return {200, buffer.GetString()};
}

ManagementResponse RouteDeployment(Deployer* deployer, registry::Registry* registry, const std::string& method,
                                   const std::vector<std::string>& p, const std::string& body) {
  if (p.size() == 2) {
    if (method != "GET") return Error(405, method + " is not allowed here; use GET");
    std::string out = "[";
    for (const auto& model : deployer->DeployedModels()) {
      auto view = deployer->Describe(model);
      if (!view.ok()) continue;
      if (out.size() > 1) out += ",";
      out += DescribeReply(*view).body;
    }
    return {200, out + "]"};
  }
  const std::string& model = p[2];
  if (Status valid = ValidateModelName(model); !valid.ok()) return FromStatus(valid);
  if (p.size() == 3) {
    if (method != "GET") return Error(405, method + " is not allowed here; use GET");
    STRATO_MGMT_ASSIGN(view, deployer->Describe(model));
    return DescribeReply(view);
  }
  if (p.size() != 4) return Error(404, "no such deployment route");
  const std::string& action = p[3];
  if (action == "audit") {
    if (method != "GET") return Error(405, method + " is not allowed here; use GET");
    return Audit(registry, model);
  }
  if (method != "POST") return Error(405, method + " is not allowed here; use POST");
  STRATO_MGMT_ASSIGN(doc, ParseBody(body));
  STRATO_MGMT_ASSIGN(actor, StringField(doc, "actor"));
  actor = Actor(actor, "api");
  STRATO_MGMT_ASSIGN(reason, StringField(doc, "reason"));
  if (action == "canary") {
    STRATO_MGMT_ASSIGN(version, IntField(doc, "version", true));
    STRATO_MGMT_ASSIGN(weight, NumberField(doc, "weight", 0.1));
    STRATO_MGMT_ASSIGN(sticky, StringField(doc, "sticky_key"));
    if (version <= 0) return Error(400, "field 'version' must be a positive integer");
    return FromStatus(deployer->SetCanary({model, version, weight, sticky, actor}));
  }
  if (action == "shadow") {
    STRATO_MGMT_ASSIGN(version, IntField(doc, "version", true));
    return FromStatus(deployer->SetShadow(model, version, actor));
  }
  if (action == "promote" || action == "rollback") {
    STRATO_MGMT_ASSIGN(version, IntField(doc, "version", false));
    return FromStatus(action == "promote" ? deployer->Promote(model, version, actor, reason)
                                          : deployer->Rollback(model, version, actor, reason));
  }
  if (action == "feedback") {
    STRATO_MGMT_ASSIGN(version, IntField(doc, "version", true));
    const rapidjson::Value& object = doc;  // const iterators (see record_json.cc)
    auto score = object.FindMember("score");
    if (score == object.MemberEnd() || !score->value.IsNumber()) {
      return Error(400, "field 'score' is required and must be a number in [0, 1]");
    }
    return FromStatus(deployer->Feedback(model, version, score->value.GetDouble()));
  }
  return Error(404, "unknown deployment action '" + action + "'");
}

}  // namespace

ManagementResponse HandleManagementRequest(Deployer* deployer, registry::Registry* registry,
                                           const std::string& method, const std::string& path,
                                           const std::string& body) {
  const std::vector<std::string> p = Split(path);
  if (p.size() < 2 || p[0] != "v1") return Error(404, "no route for '" + path.substr(0, 200) + "'");
  if (p[1] == "registry") return RouteRegistry(deployer, registry, method, p, body, Actor("", "api"));
  if (p[1] == "deployments") return RouteDeployment(deployer, registry, method, p, body);
  return Error(404, "no route for '" + path.substr(0, 200) + "'");
}

}  // namespace strato::deploy
