#include "request_policy.h"

#include <cctype>
#include <cmath>

namespace strato::http {
namespace {

std::string_view PathOf(std::string_view target) {
  if (auto q = target.find_first_of("?#"); q != std::string_view::npos)
    target = target.substr(0, q);
  return target;
}

bool EndsWithSegment(std::string_view path, std::string_view last) {
  return path.size() > last.size() && path.ends_with(last) &&
         path[path.size() - last.size() - 1] == '/';
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// application/json, or any application/<x>+json, parameters allowed.
bool IsJsonContentType(std::string_view content_type) {
  std::string type = Lower(content_type.substr(0, content_type.find(';')));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  return type == "application/json" ||
         (type.starts_with("application/") && type.ends_with("+json"));
}

constexpr std::string_view kAllowedHeaders =
    "Content-Type, Authorization, Inference-Header-Content-Length";
constexpr std::string_view kAllowedMethods = "GET, HEAD, POST, PUT, DELETE, OPTIONS";

}  // namespace

Scope RequiredScope(Method method, std::string_view target) {
  const std::string_view path = PathOf(target);
  const bool read_method = method == Method::kGet || method == Method::kHead;
  if (path.starts_with("/v2/health/") || path == "/" || path == "/console" ||
      path.starts_with("/console/")) {
    return kScopeNone;
  }
  if (path.starts_with("/v2/repository/")) {
    return path == "/v2/repository/index" ? kScopeRead : kScopeManage;
  }
  if (path.starts_with("/v1/registry") || path.starts_with("/v1/deployments")) {
    return read_method ? kScopeRead : kScopeManage;
  }
  if (path == "/v1/chat/completions" || path == "/v1/completions" || path == "/v1/embeddings" ||
      path == "/v1/audio/transcriptions" || path == "/v1/audio/speech" ||
      EndsWithSegment(path, "infer") || EndsWithSegment(path, "generate") ||
      EndsWithSegment(path, "generate_stream")) {
    return read_method ? kScopeRead : kScopeInfer;
  }
  // Anything else that writes is management until it is classified.
  return read_method ? kScopeRead : kScopeManage;
}

RequestPolicy::RequestPolicy(const HttpServerOptions& options)
    : authenticator_(options.authenticator),
      open_inference_(options.open_inference),
      open_read_(options.open_read) {
  for (const std::string& o : options.cors_origins) {
    if (o == "*") {
      any_origin_ = true;
    } else {
      std::string origin = Lower(o);
      while (!origin.empty() && origin.back() == '/') origin.pop_back();
      origins_.push_back(std::move(origin));
    }
  }
}

bool RequestPolicy::Listed(std::string_view origin) const {
  if (any_origin_) return true;
  const std::string lower = Lower(origin);
  for (const std::string& o : origins_) {
    if (o == lower) return true;
  }
  return false;
}

bool RequestPolicy::OriginAllowed(const RequestFacts& r) const {
  if (r.origin.empty()) return true;  // not a browser's cross-origin request
  if (Listed(r.origin)) return true;
  // Same origin: the console served by this server.
  const std::string origin = Lower(r.origin);
  const std::string host = Lower(r.host);
  return !host.empty() && (origin == "http://" + host || origin == "https://" + host);
}

std::optional<Reply> RequestPolicy::Check(const RequestFacts& r, Principal* principal) const {
  const bool read_method = r.method == Method::kGet || r.method == Method::kHead;
  if (!read_method && !OriginAllowed(r)) {
    return ErrorReply(403, "cross-origin request from '" + std::string(r.origin.substr(0, 200)) +
                               "' refused; the server allows the origins given with "
                               "--cors-allow-origin");
  }
  const Scope scope = RequiredScope(r.method, r.target);
  // A Content-Type other than JSON is what a page's "simple" cross-origin
  // request carries (text/plain, form types); a missing one is what
  // non-browser clients (tritonclient) send, and browsers add Origin.
  if (scope == kScopeManage && !r.content_type.empty() && !IsJsonContentType(r.content_type)) {
    return ErrorReply(415, "Content-Type must be application/json on this route, not '" +
                               std::string(r.content_type.substr(0, 100)) + "'");
  }
  *principal = Principal{"anonymous", 0};
  if (authenticator_ == nullptr) {
    principal->scopes = kScopeAdmin;  // no authentication configured: trusted network
    return std::nullopt;
  }
  if (scope == kScopeNone) return std::nullopt;
  const bool open =
      (scope == kScopeInfer && open_inference_) || (scope == kScopeRead && open_read_);
  std::string_view token;
  constexpr std::string_view kBearer = "bearer ";
  if (r.authorization.size() > kBearer.size() &&
      Lower(r.authorization.substr(0, kBearer.size())) == kBearer) {
    token = r.authorization.substr(kBearer.size());
  }
  if (token.empty()) {
    if (open) return std::nullopt;
    Reply reply =
        ErrorReply(401, "this route needs an API key with scope '" + std::string(ScopeName(scope)) +
                            "': send 'Authorization: Bearer <key>'");
    reply.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"strato\"");
    return reply;
  }
  AuthResult auth = authenticator_->Authenticate(token);
  if (auth.status.code() == StatusCode::kResourceExhausted) {
    Reply reply = ErrorReply(429, auth.status.message());
    reply.headers.emplace_back(
        "Retry-After", std::to_string(static_cast<int64_t>(std::ceil(auth.retry_after_secs))));
    return reply;
  }
  if (!auth.status.ok()) {
    Reply reply = ErrorReply(401, "invalid or revoked API key");
    reply.headers.emplace_back("WWW-Authenticate",
                               "Bearer realm=\"strato\", error=\"invalid_token\"");
    return reply;
  }
  if (!auth.principal.Has(scope) && !open) {
    return ErrorReply(403, "API key '" + auth.principal.name + "' lacks scope '" +
                               std::string(ScopeName(scope)) + "' (it has " +
                               ScopesToString(auth.principal.scopes) + ")");
  }
  *principal = std::move(auth.principal);
  return std::nullopt;
}

Reply RequestPolicy::Preflight(const RequestFacts& r) const {
  if (r.origin.empty() || !OriginAllowed(r)) {
    return ErrorReply(403, "cross-origin requests from '" + std::string(r.origin.substr(0, 200)) +
                               "' are not allowed (--cors-allow-origin)");
  }
  Reply reply = EmptyReply(204);
  Decorate(r, &reply);
  reply.headers.emplace_back("Access-Control-Allow-Methods", std::string(kAllowedMethods));
  reply.headers.emplace_back("Access-Control-Allow-Headers", std::string(kAllowedHeaders));
  reply.headers.emplace_back("Access-Control-Max-Age", "600");
  return reply;
}

void RequestPolicy::Decorate(const RequestFacts& r, Reply* reply) const {
  if (r.origin.empty() || !Listed(r.origin)) return;
  reply->headers.emplace_back("Access-Control-Allow-Origin", std::string(r.origin));
  reply->headers.emplace_back("Vary", "Origin");
}

}  // namespace strato::http
