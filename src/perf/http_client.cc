#include "http_client.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

namespace strato::perf {
namespace {

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

bool IContains(std::string_view hay, std::string_view needle) {
  for (size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    if (IEquals(hay.substr(i, needle.size()), needle)) return true;
  }
  return false;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

constexpr size_t kMaxHeadBytes = 64 * 1024;

}  // namespace

StatusOr<HostPort> ParseHostPort(std::string_view url, uint16_t default_port) {
  for (std::string_view prefix : {"http://", "grpc://"}) {
    if (url.starts_with(prefix)) url.remove_prefix(prefix.size());
  }
  while (url.ends_with("/")) url.remove_suffix(1);
  HostPort hp;
  hp.port = default_port;
  std::string_view port_text;
  if (url.starts_with("[")) {
    size_t close = url.find(']');
    if (close == std::string_view::npos) return InvalidArgumentError("url: unterminated '[' in '" + std::string(url) + "'");
    hp.host = std::string(url.substr(1, close - 1));
    std::string_view rest = url.substr(close + 1);
    if (!rest.empty()) {
      if (rest[0] != ':') return InvalidArgumentError("url: expected ':' after ']'");
      port_text = rest.substr(1);
    }
  } else {
    size_t colon = url.rfind(':');
    hp.host = std::string(url.substr(0, colon));
    if (colon != std::string_view::npos) port_text = url.substr(colon + 1);
  }
  if (hp.host.empty()) return InvalidArgumentError("url: missing host in '" + std::string(url) + "'");
  if (!port_text.empty() || url.ends_with(":")) {
    unsigned port = 0;
    auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || ptr != port_text.data() + port_text.size() || port == 0 || port > 65535) {
      return InvalidArgumentError("url: bad port '" + std::string(port_text) + "'");
    }
    hp.port = static_cast<uint16_t>(port);
  }
  return hp;
}

StatusOr<ResponseHead> ParseResponseHead(std::string_view head) {
  ResponseHead h;
  size_t eol = head.find("\r\n");
  std::string_view status_line = head.substr(0, eol);
  if (!status_line.starts_with("HTTP/1.") || status_line.size() < 12) {
    return InternalError("malformed HTTP status line");
  }
  bool http10 = status_line[7] == '0';
  auto [ptr, ec] = std::from_chars(status_line.data() + 9, status_line.data() + 12, h.status);
  if (ec != std::errc() || ptr != status_line.data() + 12) return InternalError("malformed HTTP status code");
  bool keep_alive_header = false;
  while (eol != std::string_view::npos) {
    size_t start = eol + 2;
    eol = head.find("\r\n", start);
    std::string_view line = head.substr(start, eol == std::string_view::npos ? std::string_view::npos : eol - start);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view name = Trim(line.substr(0, colon));
    std::string_view value = Trim(line.substr(colon + 1));
    if (IEquals(name, "content-length")) {
      int64_t len = 0;
      auto [p, e] = std::from_chars(value.data(), value.data() + value.size(), len);
      if (e != std::errc() || p != value.data() + value.size() || len < 0) return InternalError("bad Content-Length");
      h.content_length = len;
    } else if (IEquals(name, "transfer-encoding")) {
      h.chunked = IContains(value, "chunked");
    } else if (IEquals(name, "connection")) {
      if (IContains(value, "close")) h.close = true;
      if (IContains(value, "keep-alive")) keep_alive_header = true;
    }
  }
  if (http10 && !keep_alive_header) h.close = true;
  return h;
}

StatusOr<std::unique_ptr<HttpConnection>> HttpConnection::Connect(const HostPort& address, int io_timeout_ms) {
  std::unique_ptr<HttpConnection> conn(new HttpConnection(address, io_timeout_ms));
  RETURN_IF_ERROR(conn->Open());
  return conn;
}

HttpConnection::~HttpConnection() { Close(); }

void HttpConnection::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  responses_on_fd_ = 0;
  buffer_.clear();
}

Status HttpConnection::Open() {
  Close();
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* result = nullptr;
  const std::string port = std::to_string(address_.port);
  int rc = ::getaddrinfo(address_.host.c_str(), port.c_str(), &hints, &result);
  if (rc != 0) return UnavailableError("cannot resolve '" + address_.host + "': " + gai_strerror(rc));
  std::string last_error = "no address";
  for (addrinfo* ai = result; ai != nullptr; ai = ai->ai_next) {
    int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) continue;
    if (::connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
      int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
      timeval tv{io_timeout_ms_ / 1000, (io_timeout_ms_ % 1000) * 1000};
      ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
      ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
      fd_ = fd;
      break;
    }
    last_error = std::strerror(errno);
    ::close(fd);
  }
  ::freeaddrinfo(result);
  if (fd_ < 0) return UnavailableError("cannot connect to " + address_.HostHeader() + ": " + last_error);
  return Status::Ok();
}

Status HttpConnection::SendAll(std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return UnavailableError(std::string("send: ") + std::strerror(errno));
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

Status HttpConnection::Fill() {
  char chunk[64 * 1024];
  while (true) {
    ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
    if (n > 0) {
      buffer_.append(chunk, static_cast<size_t>(n));
      return Status::Ok();
    }
    if (n == 0) return UnavailableError("connection closed by server");
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return UnavailableError("timed out waiting for the server");
    return UnavailableError(std::string("recv: ") + std::strerror(errno));
  }
}

Status HttpConnection::ReadChunkedBody(size_t start, std::string* body) {
  size_t pos = start;
  while (true) {
    size_t eol;
    while ((eol = buffer_.find("\r\n", pos)) == std::string::npos) RETURN_IF_ERROR(Fill());
    size_t size = 0;
    std::string_view line(buffer_.data() + pos, eol - pos);
    auto [p, ec] = std::from_chars(line.data(), line.data() + line.size(), size, 16);
    if (ec != std::errc() || p == line.data()) return InternalError("bad chunk size");
    pos = eol + 2;
    if (size == 0) {
      // Skip trailers up to the blank line.
      while (true) {
        while ((eol = buffer_.find("\r\n", pos)) == std::string::npos) RETURN_IF_ERROR(Fill());
        bool blank = eol == pos;
        pos = eol + 2;
        if (blank) break;
      }
      buffer_.erase(0, pos);
      return Status::Ok();
    }
    while (buffer_.size() < pos + size + 2) RETURN_IF_ERROR(Fill());
    body->append(buffer_, pos, size);
    pos += size + 2;
  }
}

Status HttpConnection::ReadResponse(HttpResponse* response) {
  size_t head_end;
  while ((head_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (buffer_.size() > kMaxHeadBytes) return InternalError("response head too large");
    RETURN_IF_ERROR(Fill());
  }
  ASSIGN_OR_RETURN(ResponseHead head, ParseResponseHead(std::string_view(buffer_).substr(0, head_end)));
  const size_t body_start = head_end + 4;
  response->status = head.status;
  response->body.clear();
  if (head.chunked) {
    RETURN_IF_ERROR(ReadChunkedBody(body_start, &response->body));
  } else if (head.content_length >= 0) {
    const size_t end = body_start + static_cast<size_t>(head.content_length);
    while (buffer_.size() < end) RETURN_IF_ERROR(Fill());
    response->body.assign(buffer_, body_start, static_cast<size_t>(head.content_length));
    buffer_.erase(0, end);
  } else {
    // Body runs to EOF.
    while (Fill().ok()) {
    }
    response->body.assign(buffer_, body_start);
    head.close = true;
  }
  ++responses_on_fd_;
  if (head.close) Close();
  return Status::Ok();
}

Status HttpConnection::RoundTrip(std::string_view request, HttpResponse* response) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (fd_ < 0) RETURN_IF_ERROR(Open());
    const bool reused = responses_on_fd_ > 0;
    Status s = SendAll(request);
    if (s.ok()) s = ReadResponse(response);
    if (s.ok()) return s;
    // A reused keep-alive connection may have been closed by the server while
    // idle; retry once on a fresh one if nothing of the response arrived.
    const bool retry = reused && buffer_.empty() && s.code() == StatusCode::kUnavailable;
    Close();
    if (!retry) return s;
  }
  return UnavailableError("connection closed by server");
}

}  // namespace strato::perf
