// A tiny blocking HTTP/1.1 client for the CLI's calls to a running server's
// management API (one request per connection, Connection: close).
//
// Thread-safety: free function, no shared state.
#pragma once

#include <string>

#include "strato/core/status.h"

namespace strato::cli {

struct HttpAnswer {
  int status = 0;
  std::string body;
};

// `base_url`: "http://host:port" (or "host:port"). UNAVAILABLE with a hint
// when the server cannot be reached, INTERNAL on a malformed answer.
StatusOr<HttpAnswer> HttpCall(const std::string& base_url, const std::string& method, const std::string& path,
                              const std::string& body);

}  // namespace strato::cli
