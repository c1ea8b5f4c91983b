// One HTTP/1.1 connection: reads requests one after another (so pipelined
// requests are answered in order), dispatches them to a RequestHandler,
// runs inferences without blocking the io thread, and writes replies.
//
// Lifetime: created by the acceptor, owned by shared_ptr (its coroutine and
// pending operations hold references). Thread-safety: all methods run on the
// owning IoWorker's thread.
#pragma once

#include <utility>

#include <memory>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "http_types.h"
#include "io_worker.h"
#include "router.h"

namespace strato::http {

class Session : public std::enable_shared_from_this<Session> {
 public:
  // `handler` must outlive the session; `worker` owns the socket's context.
  Session(boost::asio::ip::tcp::socket socket, std::shared_ptr<IoWorker> worker,
          RequestHandler* handler, size_t max_body_bytes);
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

  boost::asio::ip::tcp::socket socket_;
  IoWorker* const worker_;              // owns socket_'s context
  const std::weak_ptr<IoWorker> worker_ref_;  // handed (locked) to response sinks
  RequestHandler* const handler_;
  const size_t max_body_bytes_;
  bool idle_ = false;           // waiting for the next request's header
  bool waiting_infer_ = false;  // an inference is in flight
  uint64_t infer_seq_ = 0;      // tells stale disconnect watches apart
  std::string head_;            // reused response head buffer
  char peek_byte_ = 0;          // target of the disconnect watch's peek
};

}  // namespace strato::http
