// One io thread's state: its io_context and the connections it serves.
//
// The server runs one io_context per thread (no cross-thread locking on the
// hot path) and spreads accepted connections round-robin.
//
// Thread-safety: `sessions` and `stopping` are touched only on the worker's
// own thread (post to `ctx` from elsewhere); `live` is atomic. Held by
// shared_ptr: response sinks keep the io_context alive so that a model that
// answers after the server shut down posts into a stopped context instead
// of a destroyed one.
#pragma once

#include <utility>  // before asio: GCC 12 needs std::exchange declared early

#include <atomic>
#include <optional>
#include <unordered_set>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

namespace strato::http {

class Session;

struct IoWorker {
  boost::asio::io_context ctx{1};
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guard{
      ctx.get_executor()};
  std::unordered_set<Session*> sessions;
  bool stopping = false;
  std::atomic<int> live{0};  // sessions alive (started and not yet destroyed)
};

}  // namespace strato::http
