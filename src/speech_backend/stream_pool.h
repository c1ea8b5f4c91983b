// Per-stream recognition state for streaming over many requests: a client
// sends audio chunks as requests tagged with request parameters sequence_id
// (int or string), sequence_start (first chunk) and sequence_end (last), as
// Triton's sequence protocol names them. Each open stream owns a Recognizer
// taken from a pool of idle ones (a decoder takes a second to load, so they
// are reused, never freed while the model lives).
//
// Chunks of one stream must arrive in order: a client sends the next chunk
// after the previous chunk's response (the partial result) arrived.
//
// Thread-safety: all methods may be called from any instance's thread; a
// stream's recognizer is used under its own mutex.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "strato/speech/recognizer.h"

namespace strato::speech {

class StreamPool {
 public:
  StreamPool(RecognizerConfig config, size_t max_streams, std::chrono::seconds idle_timeout)
      : config_(std::move(config)), max_streams_(max_streams), idle_timeout_(idle_timeout) {}

  struct Stream {
    std::mutex mu;
    std::unique_ptr<Recognizer> recognizer;
    std::vector<Segment> done;  // segments that ended so far
    double seconds = 0;         // audio fed so far
    std::chrono::steady_clock::time_point last_used;
  };

  // Opens stream `id` (RESOURCE_EXHAUSTED when max_streams are open,
  // ALREADY_EXISTS when it is open). Streams idle past the timeout are
  // closed first.
  StatusOr<std::shared_ptr<Stream>> Open(const std::string& id);
  // The open stream `id` (NOT_FOUND naming the id otherwise).
  StatusOr<std::shared_ptr<Stream>> Find(const std::string& id);
  // Closes `id` and returns its recognizer to the pool.
  void Close(const std::string& id);
  size_t open_streams();

 private:
  void EvictIdleLocked();

  const RecognizerConfig config_;
  const size_t max_streams_;
  const std::chrono::seconds idle_timeout_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<Stream>> open_;  // guarded by mu_
  std::vector<std::unique_ptr<Recognizer>> idle_;        // guarded by mu_
};

}  // namespace strato::speech
