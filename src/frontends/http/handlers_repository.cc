// Model repository extension handlers: index, load (optionally with a
// config and files), unload.
#include <optional>

#include "handlers.h"

namespace strato::http {
namespace {

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;  // standard and URL-safe alphabets
  if (c == '/' || c == '_') return 63;
  return -1;
}

}  // namespace

// Decodes base64 with optional '=' padding; nullopt on a bad character.
std::optional<std::string> DecodeBase64(std::string_view in) {
  while (!in.empty() && in.back() == '=') in.remove_suffix(1);
  std::string out;
  out.reserve(in.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    const int v = Base64Value(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  if (bits >= 6) return std::nullopt;  // a lone trailing character carries < 8 bits
  return out;
}

std::string EncodeBase64(std::string_view in) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    const uint32_t v = (static_cast<uint32_t>(static_cast<uint8_t>(in[i])) << 16) |
                       (static_cast<uint32_t>(static_cast<uint8_t>(in[i + 1])) << 8) |
                       static_cast<uint32_t>(static_cast<uint8_t>(in[i + 2]));
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
    out.push_back(kAlphabet[v & 63]);
  }
  const size_t rest = in.size() - i;
  if (rest > 0) {
    uint32_t v = static_cast<uint32_t>(static_cast<uint8_t>(in[i])) << 16;
    if (rest == 2) v |= static_cast<uint32_t>(static_cast<uint8_t>(in[i + 1])) << 8;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(rest == 2 ? kAlphabet[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

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
