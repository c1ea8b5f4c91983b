// The checks every HTTP request passes before its handler runs: browser
// origin, JSON content type on state-changing routes, authentication,
// scope and rate limit; plus the CORS headers and preflight answers for
// the origins the operator allowed. docs/security.md explains the policy.
//
// Thread-safety: immutable after construction; Check may run on every io
// thread at once (the Authenticator is thread-safe).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http_types.h"
#include "strato/core/auth.h"
#include "strato/frontends/http_server.h"

namespace strato::http {

// What the policy needs from a request (views into the parsed header).
struct RequestFacts {
  Method method = Method::kOther;
  bool options = false;  // an OPTIONS request (CORS preflight)
  std::string_view target;
  std::string_view origin;
  std::string_view host;
  std::string_view content_type;
  std::string_view authorization;
  size_t body_size = 0;
};

// The scope a route needs (kScopeNone for health probes and the console's
// static files).
Scope RequiredScope(Method method, std::string_view target);

class RequestPolicy {
 public:
  explicit RequestPolicy(const HttpServerOptions& options);

  // nullopt: serve the request as `principal`. Otherwise the reply to send
  // instead: 403 (origin, scope), 415 (content type), 401 (no or unknown
  // key), 429 (rate limit, with Retry-After).
  std::optional<Reply> Check(const RequestFacts& request, Principal* principal) const;
  // The answer to an OPTIONS request: 204 with the CORS headers for an
  // allowed origin, 403 otherwise.
  Reply Preflight(const RequestFacts& request) const;
  // Adds Access-Control-Allow-Origin (and Vary) for an allowed origin.
  void Decorate(const RequestFacts& request, Reply* reply) const;

 private:
  bool OriginAllowed(const RequestFacts& request) const;
  bool Listed(std::string_view origin) const;

  std::vector<std::string> origins_;
  bool any_origin_ = false;
  Authenticator* authenticator_;
  bool open_inference_;
  bool open_read_;
};

}  // namespace strato::http
