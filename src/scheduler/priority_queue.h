// PriorityQueue: the dynamic batcher's request queue, one FIFO per priority
// level plus, per level, a FIFO of requests whose queue timeout expired under
// a DELAY policy.
//
// Drain order (the order At(i) indexes and TakeFront removes): level 1's
// ready requests, then level 1's delayed ones, then level 2's, and so on, so
// higher levels always go first and a delayed request falls behind every
// request of its level that has not timed out.
//
// Thread-safety: none; the owning scheduler guards the queue with its mutex.
#pragma once

#include <cstdint>
#include <deque>
#include <limits>
#include <memory>
#include <vector>

#include "batch_config.h"
#include "strato/core/inference.h"

namespace strato {

class StatsSink;

struct QueuedRequest {
  std::unique_ptr<InferenceRequest> request;
  StatsSink* sink = nullptr;  // == request->sink.get(); owned through it
  uint64_t deadline_ns = 0;   // NowNs() scale; 0: never times out
  int64_t rows = 1;           // batch rows this request contributes
};

class PriorityQueue {
 public:
  // One level per entry of `policies` (index 0 = level 1). REQUIRES: non-empty.
  explicit PriorityQueue(std::vector<QueuePolicy> policies);

  size_t levels() const { return levels_.size(); }
  // REQUIRES: 1 <= level <= levels().
  const QueuePolicy& policy(size_t level) const { return levels_[level - 1].policy; }
  // Whether `level` holds max_queue_size requests (ready + delayed).
  bool Full(size_t level) const;

  // Appends `entry` to `level`'s ready FIFO. Does not check Full().
  void Push(size_t level, QueuedRequest&& entry);

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  // Handles every ready request whose deadline is <= now_ns: under REJECT it
  // is removed and appended to *rejected; under DELAY it moves to the back of
  // its level's delayed FIFO (and never times out again). Cheap (O(levels))
  // when no deadline has passed.
  void ApplyTimeouts(uint64_t now_ns, std::vector<QueuedRequest>* rejected);

  // The earliest deadline among ready requests (may be early after Take,
  // never late), or 0 when none has one.
  uint64_t NextDeadline() const;

  // The i-th request in drain order. REQUIRES: i < size().
  QueuedRequest& At(size_t i);
  // Removes and returns the i-th request in drain order. REQUIRES: i < size().
  QueuedRequest Take(size_t i);
  // Moves the first n requests in drain order to the back of *out.
  // REQUIRES: n <= size().
  void TakeFront(size_t n, std::vector<QueuedRequest>* out);

 private:
  static constexpr uint64_t kNoDeadline = std::numeric_limits<uint64_t>::max();

  struct Level {
    // Move-only, so that std::vector<Level> moves rather than copies (a
    // deque of move-only entries still advertises a copy constructor).
    Level() = default;
    Level(Level&&) = default;
    Level(const Level&) = delete;
    Level& operator=(const Level&) = delete;
    Level& operator=(Level&&) = default;

    QueuePolicy policy;
    std::deque<QueuedRequest> ready;
    std::deque<QueuedRequest> delayed;
    uint64_t next_deadline_ns = kNoDeadline;  // earliest deadline in `ready`
    size_t size() const { return ready.size() + delayed.size(); }
  };

  // Finds the FIFO and index of the i-th request in drain order.
  std::pair<std::deque<QueuedRequest>*, size_t> Locate(size_t i);
  void ExpireLevel(Level& level, uint64_t now_ns, std::vector<QueuedRequest>* rejected);

  std::vector<Level> levels_;
  size_t size_ = 0;
};

}  // namespace strato
