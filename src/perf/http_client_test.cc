#include "http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace strato::perf {
namespace {

TEST(ParseHostPortTest, Forms) {
  auto a = ParseHostPort("localhost:8000", 1);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "localhost");
  EXPECT_EQ(a->port, 8000);
  EXPECT_EQ(ParseHostPort("http://127.0.0.1:9/", 1)->port, 9);
  EXPECT_EQ(ParseHostPort("example", 8001)->port, 8001);
  auto v6 = ParseHostPort("[::1]:8000", 1);
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_FALSE(ParseHostPort(":80", 1).ok());
  EXPECT_FALSE(ParseHostPort("h:0", 1).ok());
  EXPECT_FALSE(ParseHostPort("h:70000", 1).ok());
  EXPECT_FALSE(ParseHostPort("h:x", 1).ok());
  EXPECT_FALSE(ParseHostPort("h:", 1).ok());
}

TEST(ParseResponseHeadTest, Framing) {
  auto h = ParseResponseHead("HTTP/1.1 200 OK\r\nContent-Length: 12\r\nconnection: Keep-Alive");
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->status, 200);
  EXPECT_EQ(h->content_length, 12);
  EXPECT_FALSE(h->close);
  auto c = ParseResponseHead("HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\nConnection: close");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->status, 404);
  EXPECT_TRUE(c->chunked);
  EXPECT_TRUE(c->close);
  EXPECT_TRUE(ParseResponseHead("HTTP/1.0 200 OK\r\nContent-Length: 0")->close);
  EXPECT_FALSE(ParseResponseHead("SPDY 200").ok());
  EXPECT_FALSE(ParseResponseHead("HTTP/1.1 2x0 OK").ok());
  EXPECT_FALSE(ParseResponseHead("HTTP/1.1 200 OK\r\nContent-Length: -1").ok());
}

// A scripted one-connection-at-a-time server: for each accepted connection,
// reads one request head per scripted reply and writes the reply; closes the
// connection after its list.
class ScriptedServer {
 public:
  explicit ScriptedServer(std::vector<std::vector<std::string>> connections) : script_(std::move(connections)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    socklen_t len = sizeof(addr);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    ::listen(fd_, 4);
    thread_ = std::thread([this] { Serve(); });
  }
  ~ScriptedServer() {
    thread_.join();
    ::close(fd_);
  }
  uint16_t port() const { return port_; }
  const std::vector<std::string>& requests() const { return requests_; }

 private:
  void Serve() {
    for (const auto& replies : script_) {
      int c = ::accept(fd_, nullptr, nullptr);
      std::string buf;
      for (const std::string& reply : replies) {
        char tmp[4096];
        while (buf.find("\r\n\r\n") == std::string::npos) {
          ssize_t n = ::recv(c, tmp, sizeof(tmp), 0);
          if (n <= 0) break;
          buf.append(tmp, static_cast<size_t>(n));
        }
        size_t end = buf.find("\r\n\r\n");
        requests_.push_back(buf.substr(0, end));
        buf.erase(0, end + 4);
        ::send(c, reply.data(), reply.size(), MSG_NOSIGNAL);
      }
      ::close(c);
    }
  }

  std::vector<std::vector<std::string>> script_;
  std::vector<std::string> requests_;
  int fd_ = -1;
  uint16_t port_ = 0;
  std::thread thread_;
};

TEST(HttpConnectionTest, KeepAliveChunkedAndReconnect) {
  ScriptedServer server({{"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
                          "HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"},
                         {"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"}});
  auto conn = HttpConnection::Connect(HostPort{"127.0.0.1", server.port()}, 5000);
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  HttpResponse r;
  const std::string req = "GET /a HTTP/1.1\r\nHost: x\r\n\r\n";
  ASSERT_TRUE((*conn)->RoundTrip(req, &r).ok());
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "hello");
  ASSERT_TRUE((*conn)->RoundTrip(req, &r).ok());
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, "abcde");
  // The server closed the first connection; the client reconnects once.
  Status s = (*conn)->RoundTrip(req, &r);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(r.body, "ok");
}

TEST(HttpConnectionTest, RefusedConnectionIsUnavailable) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  uint16_t port = ntohs(addr.sin_port);
  ::close(fd);  // nothing listens on the port now
  auto conn = HttpConnection::Connect(HostPort{"127.0.0.1", port}, 1000);
  ASSERT_FALSE(conn.ok());
  EXPECT_EQ(conn.status().code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace strato::perf
