// Model repository extension handlers: index, load (optionally with a
// config and files), unload.
#include <optional>

#include "handlers.h"
#include "strato/core/base64.h"

namespace strato::http {
Reply HandleRepositoryIndex(const HandlerContext& ctx, const RequestView& r) {
  bool ready_only = false;
  const std::string& body = *r.body;
  if (body.find_first_not_of(" \t\r\n") != std::string::npos) {
    auto root = ParseJson(body.data(), body.size(), body.capacity(), "repository index request");
    if (!root.ok()) return StatusReply(root.status());
    simdjson::dom::object obj;
    if (root->get(obj)) return ErrorReply(400, "repository index request must be a JSON object");
    simdjson::dom::element e;
    if (!obj["ready"].get(e) && e.get(ready_only)) {
      return ErrorReply(400, "repository index request: 'ready' must be a bool");
    }
  }
  JsonBuffer buffer;
  JsonWriter w(buffer);
  w.StartArray();
  for (const ModelIndexEntry& m : ctx.manager->Index(ready_only)) {
    w.StartObject();
    w.Key("name");
    WriteString(w, m.name);
    if (!m.version.empty()) {
      w.Key("version");
      WriteString(w, m.version);
    }
    w.Key("state");
    WriteString(w, m.state);
    w.Key("reason");
    WriteString(w, m.reason);
    w.EndObject();
  }
  w.EndArray();
  return JsonReply(buffer);
}

Reply HandleRepositoryLoad(const HandlerContext& ctx, const std::string& model,
                           const RequestView& r) {
  std::optional<std::string> config;
  std::map<std::string, std::string> files;
  const std::string& body = *r.body;
  if (body.find_first_not_of(" \t\r\n") != std::string::npos) {
    auto root = ParseJson(body.data(), body.size(), body.capacity(), "load request");
    if (!root.ok()) return StatusReply(root.status());
    simdjson::dom::object obj;
    if (root->get(obj)) return ErrorReply(400, "load request must be a JSON object");
    simdjson::dom::element params;
    if (!obj["parameters"].get(params)) {
      simdjson::dom::object pobj;
      if (params.get(pobj)) return ErrorReply(400, "load request: 'parameters' must be an object");
      for (auto field : pobj) {
        const std::string key(field.key);
        std::string_view value;
        if (key == "config") {
          if (field.value.get(value)) {
            return ErrorReply(400, "load request: parameters.config must be a string holding JSON");
          }
          config = std::string(value);
        } else if (key.starts_with("file:")) {
          if (field.value.get(value)) {
            return ErrorReply(400, "load request: parameters['" + key + "'] must be a base64 string");
          }
          auto decoded = DecodeBase64(value);
          if (!decoded) return ErrorReply(400, "load request: parameters['" + key + "'] is not valid base64");
          files[key] = std::move(*decoded);
        }
        // Other parameters (e.g. Triton's unload_dependents) are accepted and ignored.
      }
    }
  }
  if (!files.empty() && !config) {
    return ErrorReply(400, "load request: file: parameters require parameters.config");
  }
  Status status = ctx.manager->Load(model, config, files);
  if (!status.ok()) return StatusReply(status);
  return EmptyReply(200);
}

Reply HandleRepositoryUnload(const HandlerContext& ctx, const std::string& model) {
  Status status = ctx.manager->Unload(model);
  if (!status.ok()) return StatusReply(status);
  return EmptyReply(200);
}

}  // namespace strato::http
