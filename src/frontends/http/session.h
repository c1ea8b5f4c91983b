// One HTTP/1.1 connection: reads requests one after another (so pipelined
// requests are answered in order), dispatches them to a RequestHandler,
// runs inferences without blocking the io thread, and writes replies.
//
// Lifetime: created by the acceptor, owned by shared_ptr (its coroutine and
// pending operations hold references). Thread-safety: all methods run on the
// owning IoWorker's thread.
#pragma once

#include <utility>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "http_types.h"
#include "io_worker.h"
#include "request_policy.h"
#include "router.h"

namespace strato::http {

// Per-connection limits and the request policy (see HttpServerOptions).
struct SessionOptions {
  size_t max_body_bytes = 64u << 20;
  std::chrono::milliseconds header_timeout{0};  // 0 = none
  std::chrono::milliseconds idle_timeout{0};
  std::chrono::milliseconds body_timeout{0};
  const RequestPolicy* policy = nullptr;  // null: no checks (metrics server)
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  // `handler` and `options.policy` must outlive the session; `worker` owns
  // the socket's context.
  Session(boost::asio::ip::tcp::socket socket, std::shared_ptr<IoWorker> worker,
          RequestHandler* handler, const SessionOptions& options);
  ~Session();

  // Serves the connection of `self` until the client closes it, an error,
  // or shutdown.
  static boost::asio::awaitable<void> Run(std::shared_ptr<Session> self);

  // Server shutdown: closes the connection now if it waits for a request,
  // otherwise after the reply in progress.
  void OnShutdown();

 private:
  boost::asio::awaitable<void> Serve();
  boost::asio::awaitable<Reply> RunInfer(PendingInfer pending);
  // Runs a blocking control-plane call on a thread of its own.
  boost::asio::awaitable<Reply> RunCall(PendingCall call);
  // Writes a generation's reply as it comes (session_generate.cc); returns
  // whether the connection can carry another request.
  boost::asio::awaitable<bool> RunGenerate(PendingGenerate pending, bool keep_alive);
  void WatchDisconnect(std::shared_ptr<std::atomic<bool>> cancelled);
  boost::asio::awaitable<bool> Write(const Reply& reply, bool keep_alive);
  boost::asio::awaitable<void> DrainAndClose();
  void Close();
  // Cancels the socket's pending read when `limit` passes (timed_out_ then
  // tells why it ended); Disarm before the next phase. 0 = no limit.
  void ArmDeadline(std::chrono::milliseconds limit);
  // The access log line (verbose level): path without the query, client
  // address, authenticated principal.
  void LogRequest(std::string_view method, std::string_view target, int status,
                  uint64_t start_ns, const std::string& principal,
                  const std::string& request_id = "");
  void DisarmDeadline();

  boost::asio::ip::tcp::socket socket_;
  IoWorker* const worker_;              // owns socket_'s context
  const std::weak_ptr<IoWorker> worker_ref_;  // handed (locked) to response sinks
  RequestHandler* const handler_;
  const SessionOptions options_;
  const size_t max_body_bytes_;
  boost::asio::steady_timer deadline_;
  uint64_t deadline_seq_ = 0;  // tells a stale expiry apart
  bool timed_out_ = false;
  bool idle_ = false;           // waiting for the next request's header
  bool waiting_infer_ = false;  // an inference is in flight
  uint64_t infer_seq_ = 0;      // tells stale disconnect watches apart
  std::string head_;            // reused response head buffer
  char peek_byte_ = 0;          // target of the disconnect watch's peek
};

}  // namespace strato::http
