// The listener and io thread pool behind StartHttpServer/StartMetricsServer.
#include <utility>

#include "strato/frontends/http_server.h"

#include <chrono>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "extra_routes.h"
#include "io_worker.h"
#include "request_policy.h"
#include "router.h"
#include "session.h"
#include "strato/core/logging.h"

namespace strato {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;
using http::IoWorker;
using http::RequestHandler;
using http::Session;

// How long Shutdown waits for requests in flight before stopping anyway.
constexpr auto kShutdownGrace = std::chrono::seconds(30);

void LogCoroutineFailure(std::exception_ptr e) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    LogError("http connection failed", {{"error", ex.what()}});
  } catch (...) {
    LogError("http connection failed", {{"error", "unknown exception"}});
  }
}

class HttpServerImpl : public HttpServer {
 public:
  HttpServerImpl(const HttpServerOptions& options, std::unique_ptr<RequestHandler> handler,
                 bool with_policy)
      : options_(options), handler_(std::move(handler)), policy_(options) {
    session_options_.max_body_bytes = options.max_body_bytes;
    session_options_.header_timeout = std::chrono::milliseconds(options.header_timeout_ms);
    session_options_.idle_timeout = std::chrono::milliseconds(options.idle_timeout_ms);
    session_options_.body_timeout = std::chrono::milliseconds(options.body_timeout_ms);
    session_options_.policy = with_policy ? &policy_ : nullptr;
    int threads = options.threads > 0 ? options.threads
                                      : static_cast<int>(std::thread::hardware_concurrency());
    if (threads <= 0) threads = 1;
    for (int i = 0; i < threads; ++i) workers_.push_back(std::make_shared<IoWorker>());
    acceptor_ = std::make_unique<tcp::acceptor>(workers_[0]->ctx);
  }

  ~HttpServerImpl() override { Shutdown(); }

  Status Listen() {
    error_code ec;
    const auto address = asio::ip::make_address(options_.address, ec);
    if (ec) return InvalidArgumentError("bad listen address '" + options_.address + "': " + ec.message());
    if (options_.port < 0 || options_.port > 65535) {
      return InvalidArgumentError("bad port " + std::to_string(options_.port));
    }
    const tcp::endpoint endpoint(address, static_cast<unsigned short>(options_.port));
    acceptor_->open(endpoint.protocol(), ec);
    if (!ec) acceptor_->set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_->bind(endpoint, ec);
    if (!ec) acceptor_->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      return UnavailableError("cannot listen on " + options_.address + ":" +
                              std::to_string(options_.port) + ": " + ec.message());
    }
    port_ = acceptor_->local_endpoint(ec).port();
    asio::co_spawn(workers_[0]->ctx, AcceptLoop(), LogCoroutineFailure);
    for (auto& w : workers_) {
      threads_.emplace_back([w] { RunWorker(*w); });
    }
    return Status::Ok();
  }

  int port() const override { return port_; }

  void Shutdown() override {
    if (shut_down_.exchange(true)) return;
    if (threads_.empty()) return;
    asio::post(workers_[0]->ctx, [this] {
      error_code ec;
      acceptor_->close(ec);
    });
    for (auto& w : workers_) {
      asio::post(w->ctx, [w = w.get()] {
        w->stopping = true;
        // Copy: closing a session may erase it from the set.
        const std::vector<Session*> sessions(w->sessions.begin(), w->sessions.end());
        for (Session* s : sessions) s->OnShutdown();
      });
    }
    const auto deadline = std::chrono::steady_clock::now() + kShutdownGrace;
    while (std::chrono::steady_clock::now() < deadline && LiveSessions() > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    for (auto& w : workers_) {
      w->guard.reset();
      w->ctx.stop();
    }
    for (auto& t : threads_) t.join();
    threads_.clear();
  }

 private:
  static void RunWorker(IoWorker& w) {
    // A handler that throws (only allocation failures can) must not take the
    // whole io thread down: log and keep serving.
    for (;;) {
      try {
        w.ctx.run();
        return;
      } catch (const std::exception& e) {
        LogError("http io thread caught an exception", {{"error", e.what()}});
      }
    }
  }

  int LiveSessions() const {
    int n = 0;
    for (const auto& w : workers_) n += w->live.load(std::memory_order_acquire);
    return n;
  }

  asio::awaitable<void> AcceptLoop() {
    size_t next = 0;
    for (;;) {
      const std::shared_ptr<IoWorker>& worker = workers_[next];
      next = (next + 1) % workers_.size();
      error_code ec;
      tcp::socket socket = co_await acceptor_->async_accept(
          worker->ctx, asio::redirect_error(asio::use_awaitable, ec));
      if (ec == asio::error::operation_aborted || !acceptor_->is_open()) co_return;
      if (ec) {
        // Out of descriptors and similar: back off briefly rather than spin.
        LogWarning("http accept failed", {{"error", ec.message()}});
        asio::steady_timer timer(acceptor_->get_executor(), std::chrono::milliseconds(50));
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        continue;
      }
      if (options_.max_connections > 0 && LiveSessions() >= options_.max_connections) {
        Refuse(std::move(socket));
        continue;
      }
      auto session = std::make_shared<Session>(std::move(socket), worker, handler_.get(),
                                               session_options_);
      asio::co_spawn(worker->ctx, Session::Run(std::move(session)), LogCoroutineFailure);
    }
  }

  // Past max_connections: a short 503 written without waiting (it fits in
  // the socket buffer), then closed, so the descriptor is free at once.
  void Refuse(tcp::socket socket) {
    const std::string body = "{\"error\":\"too many connections (limit " +
                             std::to_string(options_.max_connections) + "); retry later\"}";
    const std::string reply =
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 1\r\n"
        "Connection: close\r\nContent-Length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body;
    error_code ec;
    socket.non_blocking(true, ec);
    socket.write_some(asio::buffer(reply), ec);
    socket.shutdown(tcp::socket::shutdown_both, ec);
    socket.close(ec);
    const auto now = std::chrono::steady_clock::now();
    ++refused_;
    if (now - last_refusal_log_ > std::chrono::seconds(10)) {
      last_refusal_log_ = now;
      LogWarning("http connection limit reached; refusing new connections",
                 {{"limit", std::to_string(options_.max_connections)},
                  {"refused_total", std::to_string(refused_)}});
    }
  }

  const HttpServerOptions options_;
  const std::unique_ptr<RequestHandler> handler_;
  const http::RequestPolicy policy_;
  http::SessionOptions session_options_;
  uint64_t refused_ = 0;  // touched by the accept loop only
  std::chrono::steady_clock::time_point last_refusal_log_{};
  std::vector<std::shared_ptr<IoWorker>> workers_;
  std::unique_ptr<tcp::acceptor> acceptor_;  // on workers_[0]; destroyed first
  std::vector<std::thread> threads_;
  int port_ = 0;
  std::atomic<bool> shut_down_{false};
};

StatusOr<std::unique_ptr<HttpServer>> Start(const HttpServerOptions& options,
                                            std::unique_ptr<RequestHandler> handler,
                                            std::string_view what, bool with_policy) {
  auto server = std::make_unique<HttpServerImpl>(options, std::move(handler), with_policy);
  RETURN_IF_ERROR(server->Listen());
  LogInfo("started " + std::string(what), {{"address", options.address},
                                           {"port", std::to_string(server->port())}});
  return std::unique_ptr<HttpServer>(std::move(server));
}

}  // namespace

StatusOr<std::unique_ptr<HttpServer>> StartHttpServer(const HttpServerOptions& options,
                                                      ModelManager* manager,
                                                      MetricsRegistry* metrics,
                                                      const ServerInfo& info) {
  if (manager == nullptr) return InvalidArgumentError("StartHttpServer needs a model manager");
  std::unique_ptr<http::RequestHandler> handler = std::make_unique<http::Router>(manager, metrics, info);
  if (!options.extra_routes.empty()) {
    handler = std::make_unique<http::ExtraRoutesHandler>(options.extra_routes, std::move(handler));
  }
  return Start(options, std::move(handler), "HTTP service", /*with_policy=*/true);
}

StatusOr<std::unique_ptr<HttpServer>> StartMetricsServer(const HttpServerOptions& options,
                                                         MetricsRegistry* metrics) {
  // Metrics: read-only and scraped by tools that hold no key; the operator
  // keeps the port internal (docs/security.md). Timeouts and the connection
  // cap still apply.
  return Start(options, std::make_unique<http::MetricsHandler>(metrics), "metrics service",
               /*with_policy=*/false);
}

}  // namespace strato
