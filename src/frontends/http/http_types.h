// Internal types shared by the HTTP router, handlers and connection code: a
// parsed request as the router sees it, and a reply ready to be written.
//
// Thread-safety: plain values, owned by one connection at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "strato/core/status.h"

namespace strato::http {

enum class Method { kGet, kHead, kPost, kPut, kDelete, kOther };

struct RequestView {
  Method method = Method::kOther;
  std::string_view target;  // path and query, as received
  // The whole body; shared so that input tensors can view it past the reply.
  std::shared_ptr<const std::string> body;
  // Value of Inference-Header-Content-Length; empty when absent.
  std::string_view header_length;
  // Content-Type header; empty when absent (multipart bodies need its boundary).
  std::string_view content_type;
  uint64_t received_ns = 0;
};

struct Reply {
  int status = 200;
  std::string_view content_type = "application/json";  // static strings only
  std::string body;
  // Raw bytes written after `body` (binary outputs); `keepalive` owns them.
  std::vector<std::span<const uint8_t>> tail;
  std::shared_ptr<const void> keepalive;
  // Inference-Header-Content-Length to send (0 and !has_header_length: none).
  bool has_header_length = false;
  size_t header_length = 0;
  std::string request_id;  // for the per-request log line
  std::string_view location;  // Location header (redirects); static strings only
  // Further response headers (CORS, Retry-After, WWW-Authenticate).
  std::vector<std::pair<std::string_view, std::string>> headers;
};

// {"error": "<message>"} with the given status.
Reply ErrorReply(int status, std::string_view message);
// The error reply for a non-OK status (status code from HttpStatusFor()).
Reply StatusReply(const Status& status);
// An empty-bodied reply with `status`.
Reply EmptyReply(int status);

// Decodes %XX escapes in a path segment; invalid escapes are kept literally.
std::string PercentDecode(std::string_view segment);

}  // namespace strato::http
