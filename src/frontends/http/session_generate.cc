// Session::RunGenerate: a generation's responses written as they arrive.
//
// The model answers on its own thread through a GenerateSink, which posts
// each response to this connection's io thread into a queue and wakes the
// coroutine with a timer (all on one thread, so no wake-up is lost). A
// streaming reply uses chunked transfer encoding; its headers go out with
// the first response, so an error that comes first (bad input found by the
// backend, a full queue) still gets a proper 4xx/5xx status. When a write
// fails, or the disconnect watch sees the client go, the request is
// cancelled and the remaining responses are drained without writing.
#include <deque>

#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http.hpp>

#include "session.h"

namespace strato::http {
namespace asio = boost::asio;
using boost::system::error_code;

namespace {

struct GenerateQueue {
  explicit GenerateQueue(const asio::any_io_executor& ex) : wake(ex) {}
  asio::steady_timer wake;
  std::deque<std::pair<std::unique_ptr<InferenceResponse>, bool>> items;
};

class GenerateSink : public ResponseSink {
 public:
  GenerateSink(std::shared_ptr<IoWorker> worker, std::shared_ptr<GenerateQueue> queue,
               std::shared_ptr<std::atomic<bool>> cancelled)
      : worker_(std::move(worker)), queue_(std::move(queue)), cancelled_(std::move(cancelled)) {}
  void Send(std::unique_ptr<InferenceResponse> response, bool final) override {
    // The server stopped its io threads (shutdown past its grace period):
    // nobody will write this stream any more, so stop generating it.
    if (worker_->ctx.stopped()) {
      cancelled_->store(true, std::memory_order_relaxed);
      return;
    }
    asio::post(worker_->ctx, [q = queue_, r = std::move(response), final]() mutable {
      q->items.emplace_back(std::move(r), final);
      q->wake.cancel();
    });
  }

 private:
  std::shared_ptr<IoWorker> worker_;
  std::shared_ptr<GenerateQueue> queue_;
  std::shared_ptr<std::atomic<bool>> cancelled_;
};

std::string ChunkFrame(std::string_view data) {
  char size[20];
  const int n = std::snprintf(size, sizeof(size), "%zx\r\n", data.size());
  std::string frame(size, static_cast<size_t>(n));
  frame.append(data);
  frame += "\r\n";
  return frame;
}

}  // namespace

asio::awaitable<bool> Session::RunGenerate(PendingGenerate pending, bool keep_alive) {
  auto worker = worker_ref_.lock();
  if (!worker) {
    const bool written = co_await Write(ErrorReply(503, "server is shutting down"), false);
    (void)written;
    co_return false;
  }
  auto queue = std::make_shared<GenerateQueue>(socket_.get_executor());
  auto cancelled = pending.request->cancelled;
  pending.request->sink = std::make_shared<GenerateSink>(std::move(worker), queue, cancelled);
  ++infer_seq_;
  waiting_infer_ = true;
  WatchDisconnect(cancelled);
  Status accepted = pending.version->Infer(pending.request);
  if (!accepted.ok()) {
    auto error = MakeResponse(*pending.request, pending.version->version());
    error->status = std::move(accepted);
    queue->items.emplace_back(std::move(error), true);
  }
  // Holding the version would keep it from unloading (and the server from
  // stopping) while a long stream runs: the model answers through the sink.
  pending.version.reset();
  GenerationFormatter& formatter = *pending.formatter;
  bool headers_sent = false;
  bool broken = false;
  bool usable = true;
  error_code ec;
  for (;;) {
    while (queue->items.empty()) {
      queue->wake.expires_at(asio::steady_timer::time_point::max());
      co_await queue->wake.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    auto [response, final] = std::move(queue->items.front());
    queue->items.pop_front();
    if (!formatter.streaming() || (!headers_sent && !response->status.ok())) {
      if (!response->status.ok() && !headers_sent) {
        Reply reply = formatter.Error(response->status);
        waiting_infer_ = false;
        socket_.cancel(ec);
        usable = co_await Write(reply, keep_alive);
        // An error is always final; anything else would be a backend bug.
        co_return usable && keep_alive;
      }
      formatter.Chunk(*response, final);
      if (!final) continue;
      Reply reply = formatter.Finish();
      waiting_infer_ = false;
      socket_.cancel(ec);
      usable = co_await Write(reply, keep_alive);
      co_return usable && keep_alive;
    }
    std::string out;
    if (!headers_sent) {
      headers_sent = true;
      out = "HTTP/1.1 200 OK\r\nContent-Type: ";
      out += formatter.content_type();
      out += "\r\nCache-Control: no-cache\r\nTransfer-Encoding: chunked\r\n";
      if (!keep_alive) out += "Connection: close\r\n";
      out += "\r\n";
    }
    const std::string data = formatter.Chunk(*response, final);
    if (!data.empty()) out += ChunkFrame(data);
    if (final) out += "0\r\n\r\n";
    if (!broken && !out.empty()) {
      co_await asio::async_write(socket_, asio::buffer(out), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        broken = true;
        cancelled->store(true, std::memory_order_relaxed);
      }
    }
    if (final) break;
  }
  waiting_infer_ = false;
  socket_.cancel(ec);
  if (cancelled->load(std::memory_order_relaxed)) usable = false;
  co_return usable && !broken && keep_alive;
}

}  // namespace strato::http
