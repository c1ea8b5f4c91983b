// A minimal blocking HTTP/1.1 keep-alive client for `strato perf`: one TCP
// connection (TCP_NODELAY), requests sent as pre-serialised bytes, responses
// framed by Content-Length or chunked encoding. Just enough to drive an
// inference server cheaply; no TLS, no redirects, no pipelining.
//
// Thread-safety: an HttpConnection is used by one thread at a time (each
// load worker owns one). The free functions are pure.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "strato/core/status.h"

namespace strato::perf {

struct HostPort {
  std::string host;
  uint16_t port = 0;
  std::string HostHeader() const { return host + ":" + std::to_string(port); }
};

// Parses "host:port", "[v6]:port", "host" (default_port), with an optional
// "http://" or "grpc://" prefix and trailing "/". INVALID_ARGUMENT otherwise.
StatusOr<HostPort> ParseHostPort(std::string_view url, uint16_t default_port);

struct HttpResponse {
  int status = 0;
  std::string body;
};

// The framing facts of a response head (status line and headers, without
// the blank line).
struct ResponseHead {
  int status = 0;
  int64_t content_length = -1;  // -1: absent
  bool chunked = false;
  bool close = false;           // Connection: close, or HTTP/1.0 without keep-alive
};
// INTERNAL on a malformed status line or Content-Length.
StatusOr<ResponseHead> ParseResponseHead(std::string_view head);

class HttpConnection {
 public:
  // Resolves and connects. UNAVAILABLE (with the address and errno text)
  // when no address accepts the connection. `io_timeout_ms` bounds each
  // send and receive call.
  static StatusOr<std::unique_ptr<HttpConnection>> Connect(const HostPort& address, int io_timeout_ms = 30000);
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // Sends `request` (complete HTTP/1.1 bytes) and reads one whole response
  // into `response`. When a reused connection turns out closed by the peer
  // before any response byte arrives, reconnects and retries once.
  // UNAVAILABLE on connection errors and timeouts, INTERNAL on a malformed
  // response. After an error the connection reconnects on the next call.
  Status RoundTrip(std::string_view request, HttpResponse* response);

 private:
  HttpConnection(HostPort address, int io_timeout_ms) : address_(std::move(address)), io_timeout_ms_(io_timeout_ms) {}
  Status Open();
  void Close();
  Status SendAll(std::string_view data);
  // Receives more bytes into buffer_; UNAVAILABLE on EOF or error.
  Status Fill();
  Status ReadResponse(HttpResponse* response);
  Status ReadChunkedBody(size_t start, std::string* body);

  HostPort address_;
  int io_timeout_ms_;
  int fd_ = -1;
  uint64_t responses_on_fd_ = 0;
  std::string buffer_;  // received bytes not yet consumed
};

}  // namespace strato::perf
