#include "session.h"

#include <simdjson.h>

#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <thread>

#include "binary_extension.h"
#include "strato/core/logging.h"

namespace strato::http {
namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using boost::system::error_code;

namespace {

// A type-erased, move-only completion handler for the model's response.
// (asio::any_completion_handler in Boost 1.81 recurses endlessly when the
// handler is moved into a posted function, so erase the type ourselves.)
class InferHandler {
 public:
  InferHandler() = default;
  template <typename Handler>
  explicit InferHandler(Handler&& handler)
      : impl_(std::make_unique<Impl<std::decay_t<Handler>>>(std::forward<Handler>(handler))) {}
  explicit operator bool() const { return impl_ != nullptr; }
  void operator()(std::unique_ptr<InferenceResponse> response) && {
    auto impl = std::move(impl_);
    impl->Complete(std::move(response));
  }

 private:
  struct Base {
    virtual ~Base() = default;
    virtual void Complete(std::unique_ptr<InferenceResponse> response) = 0;
  };
  template <typename Handler>
  struct Impl : Base {
    explicit Impl(Handler&& h) : handler(std::move(h)) {}
    void Complete(std::unique_ptr<InferenceResponse> response) override {
      std::move(handler)(std::move(response));
    }
    Handler handler;
  };
  std::unique_ptr<Base> impl_;
};

// Receives the model's final response on whatever thread produced it and
// resumes the waiting connection coroutine on its own io thread.
class InferSink : public ResponseSink {
 public:
  explicit InferSink(std::shared_ptr<IoWorker> worker) : worker_(std::move(worker)) {}

  // Called before the request is handed to the model, so Send never races it.
  void Arm(InferHandler handler) { handler_ = std::move(handler); }

  void Send(std::unique_ptr<InferenceResponse> response, bool final) override {
    // HTTP answers once: decoupled models are refused before Infer, so any
    // non-final response would be a backend bug; only the final one counts.
    if (!final || !handler_) return;
    asio::post(worker_->ctx, [h = std::move(handler_), r = std::move(response)]() mutable {
      std::move(h)(std::move(r));
    });
  }

 private:
  std::shared_ptr<IoWorker> worker_;
  InferHandler handler_;
};

// A request body that grows as its bytes arrive. Beast's string_body
// reserves the declared Content-Length up front, so a client could make the
// server reserve max_body_bytes per connection without sending a byte.
struct GrowingStringBody {
  using value_type = std::string;
  static constexpr uint64_t kInitialReserve = 64 * 1024;

  class reader {
   public:
    template <bool isRequest, class Fields>
    reader(bhttp::header<isRequest, Fields>&, value_type& body) : body_(body) {}
    void init(const boost::optional<std::uint64_t>& length, error_code& ec) {
      ec = {};
      if (length) body_.reserve(std::min<uint64_t>(*length, kInitialReserve));
    }
    template <class ConstBufferSequence>
    std::size_t put(const ConstBufferSequence& buffers, error_code& ec) {
      ec = {};
      size_t n = 0;
      for (auto it = asio::buffer_sequence_begin(buffers); it != asio::buffer_sequence_end(buffers);
           ++it) {
        const asio::const_buffer b = *it;
        body_.append(static_cast<const char*>(b.data()), b.size());
        n += b.size();
      }
      return n;
    }
    void finish(error_code& ec) { ec = {}; }

   private:
    value_type& body_;
  };
};

std::string_view Header(const bhttp::request<GrowingStringBody>& req, bhttp::field f) {
  const auto v = req[f];
  return std::string_view(v.data(), v.size());
}

Method ToMethod(bhttp::verb v) {
  switch (v) {
    case bhttp::verb::get: return Method::kGet;
    case bhttp::verb::head: return Method::kHead;
    case bhttp::verb::post: return Method::kPost;
    case bhttp::verb::put: return Method::kPut;
    case bhttp::verb::delete_: return Method::kDelete;
    default: return Method::kOther;
  }
}

bool IsClientGone(const error_code& ec) {
  return ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message ||
         ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::operation_aborted || ec == asio::error::bad_descriptor ||
         ec == asio::error::broken_pipe;
}

}  // namespace

Session::Session(asio::ip::tcp::socket socket, std::shared_ptr<IoWorker> worker,
                 RequestHandler* handler, const SessionOptions& options)
    : socket_(std::move(socket)),
      worker_(worker.get()),
      worker_ref_(worker),
      handler_(handler),
      options_(options),
      max_body_bytes_(options.max_body_bytes),
      deadline_(socket_.get_executor()) {
  worker_->live.fetch_add(1, std::memory_order_relaxed);
}

Session::~Session() { worker_->live.fetch_sub(1, std::memory_order_release); }

void Session::Close() {
  error_code ec;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  socket_.close(ec);
}

void Session::LogRequest(std::string_view method, std::string_view target, int status,
                         uint64_t start_ns, const std::string& principal,
                         const std::string& request_id) {
  if (!LogEnabled(LogLevel::kVerbose)) return;
  // The query string is dropped: clients put secrets there (?api_key=...).
  const std::string_view path = target.substr(0, target.find_first_of("?#"));
  error_code ec;
  const auto peer = socket_.remote_endpoint(ec);
  LogVerbose("http request", {{"method", std::string(method)},
                              {"path", std::string(path.substr(0, 512))},
                              {"status", std::to_string(status)},
                              {"duration_us", std::to_string((NowNs() - start_ns) / 1000)},
                              {"client", ec ? std::string("?") : peer.address().to_string()},
                              {"principal", principal.empty() ? "anonymous" : principal},
                              {"request_id", request_id}});
}

void Session::ArmDeadline(std::chrono::milliseconds limit) {
  timed_out_ = false;
  const uint64_t seq = ++deadline_seq_;
  if (limit.count() <= 0) return;
  deadline_.expires_after(limit);
  deadline_.async_wait([self = shared_from_this(), seq](const error_code& ec) {
    if (ec || seq != self->deadline_seq_) return;
    self->timed_out_ = true;
    error_code ignored;
    self->socket_.cancel(ignored);
  });
}

void Session::DisarmDeadline() {
  ++deadline_seq_;
  deadline_.cancel();
}

void Session::OnShutdown() {
  if (idle_) Close();
}

asio::awaitable<void> Session::Run(std::shared_ptr<Session> self) {
  // `self` (a coroutine parameter, so stored in the frame) keeps the session
  // alive for the whole connection.
  co_await self->Serve();
}

asio::awaitable<void> Session::Serve() {
  if (worker_->stopping) {
    Close();
    co_return;
  }
  worker_->sessions.insert(this);
  error_code ec;
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
  boost::beast::flat_buffer buffer;
  for (;;) {
    // Shutdown may have run while this session was between requests.
    if (worker_->stopping) break;
    bhttp::request_parser<GrowingStringBody> parser;
    parser.header_limit(64 * 1024);
    parser.body_limit(max_body_bytes_);
    idle_ = true;
    if (buffer.size() == 0) {
      // Between requests: wait for the first byte at most idle_timeout.
      ArmDeadline(options_.idle_timeout);
      co_await socket_.async_wait(asio::ip::tcp::socket::wait_read,
                                  asio::redirect_error(asio::use_awaitable, ec));
      DisarmDeadline();
      if (ec || timed_out_) break;
    }
    // Once a request has begun, its whole header must arrive in time
    // (slowloris clients trickle bytes to hold connections forever).
    ArmDeadline(options_.header_timeout);
    co_await bhttp::async_read_header(socket_, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    DisarmDeadline();
    idle_ = false;
    if (timed_out_) {
      const Reply late = ErrorReply(408, "request header not received within " +
                                             std::to_string(options_.header_timeout.count()) + " ms");
      co_await Write(late, false);
      break;
    }
    const bool too_large_header =
        !ec && parser.content_length() && *parser.content_length() > max_body_bytes_;
    if (ec == bhttp::error::body_limit || too_large_header) {
      // Content-Length over the limit: answer before reading the body.
      const auto length = parser.content_length();
      const Reply too_large = ErrorReply(
          413, "request body" + (length ? " of " + std::to_string(*length) + " bytes" : std::string()) +
                   " exceeds the limit of " + std::to_string(max_body_bytes_) + " bytes");
      co_await Write(too_large, false);
      co_await DrainAndClose();
      break;
    }
    if (ec) {
      if (!IsClientGone(ec)) {
        const Reply bad = ErrorReply(ec == bhttp::error::header_limit ? 431 : 400,
                                     "malformed HTTP request: " + ec.message());
        co_await Write(bad, false);
      }
      break;
    }
    const uint64_t start_ns = NowNs();
    auto& req = parser.get();
    if (auto expect = req[bhttp::field::expect]; boost::beast::iequals(expect, "100-continue")) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      co_await asio::async_write(socket_, asio::buffer(kContinue.data(), kContinue.size()),
                                 asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
    }
    if (!parser.is_done()) {
      ArmDeadline(options_.body_timeout);
      co_await bhttp::async_read(socket_, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
      DisarmDeadline();
      if (timed_out_) {
        const Reply late = ErrorReply(408, "request body not received within " +
                                               std::to_string(options_.body_timeout.count()) + " ms");
        co_await Write(late, false);
        break;
      }
      if (ec == bhttp::error::body_limit) {
        const Reply too_large =
            ErrorReply(413, "request body exceeds the limit of " + std::to_string(max_body_bytes_) + " bytes");
        co_await Write(too_large, false);
        co_await DrainAndClose();
        break;
      }
      if (ec) {
        if (!IsClientGone(ec)) {
          const Reply bad = ErrorReply(400, "malformed HTTP request body: " + ec.message());
          co_await Write(bad, false);
        }
        break;
      }
    }
    // Spare capacity lets simdjson parse the body in place (it reads up to
    // SIMDJSON_PADDING bytes past the end); reserved now that it arrived.
    req.body().reserve(req.body().size() + simdjson::SIMDJSON_PADDING);
    RequestFacts facts;
    facts.method = ToMethod(req.method());
    facts.options = req.method() == bhttp::verb::options;
    facts.target = std::string_view(req.target().data(), req.target().size());
    facts.origin = Header(req, bhttp::field::origin);
    facts.host = Header(req, bhttp::field::host);
    facts.content_type = Header(req, bhttp::field::content_type);
    facts.authorization = Header(req, bhttp::field::authorization);
    facts.body_size = req.body().size();
    Principal principal;
    if (options_.policy != nullptr) {
      std::optional<Reply> refused;
      if (facts.options) {
        refused = options_.policy->Preflight(facts);
      } else {
        refused = options_.policy->Check(facts, &principal);
      }
      if (refused) {
        if (!facts.options) options_.policy->Decorate(facts, &*refused);
        const bool keep = req.keep_alive() && !worker_->stopping;
        LogRequest(req.method_string(), facts.target, refused->status, start_ns, principal.name);
        if (!co_await Write(*refused, keep) || !keep) break;
        continue;
      }
    }
    auto body = std::make_shared<std::string>(std::move(req.body()));
    RequestView view;
    view.method = ToMethod(req.method());
    view.target = std::string_view(req.target().data(), req.target().size());
    view.header_length = std::string_view(req[kHeaderLengthHeader].data(), req[kHeaderLengthHeader].size());
    view.content_type = std::string_view(req[bhttp::field::content_type].data(), req[bhttp::field::content_type].size());
    view.body = body;
    view.received_ns = start_ns;
    RouteResult routed;
    {
      // Only around the synchronous handler call: the thread serves other
      // connections whenever this coroutine waits.
      const ScopedPrincipal as_principal(&principal);
      routed = handler_->Handle(view);
    }
    // Plain statements rather than a conditional around co_await: GCC 12
    // mishandles temporaries of co_await inside ?: expressions.
    Reply reply;
    if (auto* generate = std::get_if<PendingGenerate>(&routed)) {
      const bool can_keep = req.keep_alive() && !worker_->stopping;
      LogRequest(req.method_string(), view.target, 200, start_ns, principal.name);
      const bool usable = co_await RunGenerate(std::move(*generate), can_keep);
      if (!usable || !can_keep) break;
      continue;
    }
    if (auto* immediate = std::get_if<Reply>(&routed)) {
      reply = std::move(*immediate);
    } else if (auto* call = std::get_if<PendingCall>(&routed)) {
      reply = co_await RunCall(std::move(*call));
    } else {
      PendingInfer pending = std::move(std::get<PendingInfer>(routed));
      reply = co_await RunInfer(std::move(pending));
    }
    if (options_.policy != nullptr) options_.policy->Decorate(facts, &reply);
    const bool keep_alive = req.keep_alive() && !worker_->stopping && socket_.is_open();
    const bool written = co_await Write(reply, keep_alive);
    LogRequest(req.method_string(), view.target, reply.status, start_ns, principal.name,
               reply.request_id);
    if (!written || !keep_alive) break;
  }
  Close();
  worker_->sessions.erase(this);
}

asio::awaitable<Reply> Session::RunCall(PendingCall call) {
  auto worker = worker_ref_.lock();
  if (!worker) {
    Reply unavailable = ErrorReply(503, "server is shutting down");
    co_return unavailable;
  }
  auto result = std::make_shared<Reply>();
  co_await asio::async_initiate<decltype(asio::use_awaitable), void()>(
      [&](auto handler) {
        std::thread([handler = std::move(handler), run = std::move(call.run), worker,
                     result]() mutable {
          *result = run();
          asio::post(worker->ctx, [h = std::move(handler)]() mutable { std::move(h)(); });
        }).detach();
      },
      asio::use_awaitable);
  Reply reply = std::move(*result);
  co_return reply;
}

asio::awaitable<Reply> Session::RunInfer(PendingInfer pending) {
  auto worker = worker_ref_.lock();
  if (!worker) {
    Reply unavailable = ErrorReply(503, "server is shutting down");
    co_return unavailable;
  }
  auto sink = std::make_shared<InferSink>(std::move(worker));
  pending.request->sink = sink;
  ++infer_seq_;
  waiting_infer_ = true;
  WatchDisconnect(pending.request->cancelled);
  std::unique_ptr<InferenceResponse> response =
      co_await asio::async_initiate<decltype(asio::use_awaitable),
                                    void(std::unique_ptr<InferenceResponse>)>(
          [&](auto handler) {
            sink->Arm(InferHandler(std::move(handler)));
            Status status = pending.version->Infer(pending.request);
            if (!status.ok()) {
              // Not accepted: the request is still ours and nothing was sent.
              auto error = MakeResponse(*pending.request, pending.version->version());
              error->status = std::move(status);
              sink->Send(std::move(error), true);
            }
          },
          asio::use_awaitable);
  waiting_infer_ = false;
  error_code ec;
  socket_.cancel(ec);  // ends the disconnect watch
  Reply reply = FinishInfer(std::move(response), pending.options);
  co_return reply;
}

void Session::WatchDisconnect(std::shared_ptr<std::atomic<bool>> cancelled) {
  // A peeking receive (not async_wait): Asio tries it at once, so a close
  // that happened before the watch started is seen too, and the peeked byte
  // stays in the socket for the next request.
  socket_.async_receive(
      asio::buffer(&peek_byte_, 1), asio::socket_base::message_peek,
      [self = shared_from_this(), cancelled, seq = infer_seq_](const error_code& ec, size_t n) {
        if (ec == asio::error::operation_aborted || seq != self->infer_seq_ || !self->waiting_infer_) return;
        // End of stream or a reset: the client is gone. n > 0 is a pipelined
        // request, which must simply wait its turn.
        if (ec || n == 0) cancelled->store(true, std::memory_order_relaxed);
      });
}

asio::awaitable<bool> Session::Write(const Reply& reply, bool keep_alive) {
  size_t length = reply.body.size();
  for (const auto& t : reply.tail) length += t.size();
  head_.clear();
  head_ += "HTTP/1.1 ";
  head_ += std::to_string(reply.status);
  head_ += ' ';
  const auto reason = bhttp::obsolete_reason(bhttp::int_to_status(static_cast<unsigned>(reply.status)));
  head_.append(reason.starts_with('<') ? std::string_view("Unknown") : std::string_view(reason.data(), reason.size()));
  head_ += "\r\n";
  if (length > 0) {
    head_ += "Content-Type: ";
    head_ += reply.content_type;
    head_ += "\r\n";
  }
  head_ += "Content-Length: ";
  head_ += std::to_string(length);
  head_ += "\r\n";
  if (reply.has_header_length) {
    head_ += kHeaderLengthHeader;
    head_ += ": ";
    head_ += std::to_string(reply.header_length);
    head_ += "\r\n";
  }
  if (!reply.location.empty()) {
    head_ += "Location: ";
    head_ += reply.location;
    head_ += "\r\n";
  }
  for (const auto& [name, value] : reply.headers) {
    head_ += name;
    head_ += ": ";
    head_ += value;
    head_ += "\r\n";
  }
  if (!keep_alive) head_ += "Connection: close\r\n";
  head_ += "\r\n";
  std::vector<asio::const_buffer> buffers;
  buffers.reserve(2 + reply.tail.size());
  buffers.emplace_back(head_.data(), head_.size());
  if (!reply.body.empty()) buffers.emplace_back(reply.body.data(), reply.body.size());
  for (const auto& t : reply.tail) buffers.emplace_back(t.data(), t.size());
  error_code ec;
  co_await asio::async_write(socket_, buffers, asio::redirect_error(asio::use_awaitable, ec));
  co_return !ec;
}

asio::awaitable<void> Session::DrainAndClose() {
  // Closing with unread request bytes makes the kernel send a reset, which
  // can destroy the error reply before the client reads it; so stop sending,
  // then read and drop what the client still sends, for a short while.
  error_code ec;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  asio::steady_timer timer(socket_.get_executor());
  timer.expires_after(std::chrono::milliseconds(500));
  timer.async_wait([self = shared_from_this()](const error_code& e) {
    if (!e) {
      error_code ignored;
      self->socket_.cancel(ignored);
    }
  });
  std::vector<char> scratch(16 * 1024);
  size_t total = 0;
  while (total < (8u << 20)) {
    const size_t n = co_await socket_.async_read_some(asio::buffer(scratch),
                                                      asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
    total += n;
  }
  timer.cancel();
  Close();
}

}  // namespace strato::http
