#include "management_client.h"

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace strato::cli {
namespace {

struct Target {
  std::string host;
  std::string port;
};

StatusOr<Target> ParseUrl(std::string url) {
  if (url.rfind("http://", 0) == 0) url = url.substr(7);
  if (url.rfind("https://", 0) == 0) return InvalidArgumentError("https is not supported by the CLI: " + url);
  while (!url.empty() && url.back() == '/') url.pop_back();
  const auto colon = url.rfind(':');
  if (colon == std::string::npos) return Target{url, "8000"};
  return Target{url.substr(0, colon), url.substr(colon + 1)};
}

// Closes the socket on scope exit.
struct Socket {
  int fd = -1;
  ~Socket() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

StatusOr<HttpAnswer> HttpCall(const std::string& base_url, const std::string& method, const std::string& path,
                              const std::string& body) {
  ASSIGN_OR_RETURN(Target target, ParseUrl(base_url));
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string unreachable = "cannot reach the strato server at " + base_url +
                                  "; is `strato serve --registry ...` running there? (set --url)";
  if (::getaddrinfo(target.host.c_str(), target.port.c_str(), &hints, &found) != 0 || found == nullptr) {
    return UnavailableError(unreachable);
  }
  Socket sock;
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    sock.fd = ::socket(a->ai_family, a->ai_socktype, a->ai_protocol);
    if (sock.fd >= 0 && ::connect(sock.fd, a->ai_addr, a->ai_addrlen) == 0) break;
    if (sock.fd >= 0) ::close(sock.fd);
    sock.fd = -1;
  }
  ::freeaddrinfo(found);
  if (sock.fd < 0) return UnavailableError(unreachable);
  const std::string request = method + " " + path + " HTTP/1.1\r\nHost: " + target.host + ":" + target.port +
                              "\r\nContent-Type: application/json\r\nContent-Length: " +
                              std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
  size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t n = ::send(sock.fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return UnavailableError(unreachable);
    sent += static_cast<size_t>(n);
  }
  std::string raw;
  char buffer[16384];
  while (true) {
    const ssize_t n = ::recv(sock.fd, buffer, sizeof(buffer), 0);
    if (n <= 0) break;
    raw.append(buffer, static_cast<size_t>(n));
  }
  const auto head_end = raw.find("\r\n\r\n");
  if (raw.rfind("HTTP/1.", 0) != 0 || head_end == std::string::npos || raw.size() < 12) {
    return InternalError("malformed answer from " + base_url);
  }
  HttpAnswer answer;
  answer.status = std::atoi(raw.c_str() + 9);
  answer.body = raw.substr(head_end + 4);
  return answer;
}

}  // namespace strato::cli
