#include "priority_queue.h"

#include <algorithm>
#include <cassert>
#include <utility>

namespace strato {

PriorityQueue::PriorityQueue(std::vector<QueuePolicy> policies) {
  assert(!policies.empty());
  levels_.resize(policies.size());
  for (size_t i = 0; i < policies.size(); ++i) levels_[i].policy = policies[i];
}

bool PriorityQueue::Full(size_t level) const {
  const Level& l = levels_[level - 1];
  return l.policy.max_queue_size != 0 && l.size() >= l.policy.max_queue_size;
}

void PriorityQueue::Push(size_t level, QueuedRequest&& entry) {
  Level& l = levels_[level - 1];
  if (entry.deadline_ns != 0) l.next_deadline_ns = std::min(l.next_deadline_ns, entry.deadline_ns);
  l.ready.push_back(std::move(entry));
  ++size_;
}

void PriorityQueue::ApplyTimeouts(uint64_t now_ns, std::vector<QueuedRequest>* rejected) {
  for (Level& level : levels_) {
    if (level.next_deadline_ns <= now_ns) ExpireLevel(level, now_ns, rejected);
  }
}

void PriorityQueue::ExpireLevel(Level& level, uint64_t now_ns,
                                std::vector<QueuedRequest>* rejected) {
  // Deadlines are not monotonic along the FIFO (per-request overrides), so
  // compact the whole FIFO in one pass, keeping the survivors' order. This
  // runs only when the earliest deadline has passed.
  uint64_t next = kNoDeadline;
  size_t kept = 0;
  for (size_t i = 0; i < level.ready.size(); ++i) {
    QueuedRequest& e = level.ready[i];
    if (e.deadline_ns != 0 && e.deadline_ns <= now_ns) {
      if (level.policy.delay_on_timeout) {
        e.deadline_ns = 0;
        level.delayed.push_back(std::move(e));
      } else {
        rejected->push_back(std::move(e));
        --size_;
      }
      continue;
    }
    if (e.deadline_ns != 0) next = std::min(next, e.deadline_ns);
    if (kept != i) level.ready[kept] = std::move(e);
    ++kept;
  }
  level.ready.resize(kept);
  level.next_deadline_ns = next;
}

uint64_t PriorityQueue::NextDeadline() const {
  uint64_t next = kNoDeadline;
  for (const Level& level : levels_) next = std::min(next, level.next_deadline_ns);
  return next == kNoDeadline ? 0 : next;
}

std::pair<std::deque<QueuedRequest>*, size_t> PriorityQueue::Locate(size_t i) {
  for (Level& level : levels_) {
    if (i < level.ready.size()) return {&level.ready, i};
    i -= level.ready.size();
    if (i < level.delayed.size()) return {&level.delayed, i};
    i -= level.delayed.size();
  }
  assert(false && "PriorityQueue index out of range");
  return {nullptr, 0};
}

QueuedRequest& PriorityQueue::At(size_t i) {
  auto [fifo, index] = Locate(i);
  return (*fifo)[index];
}

QueuedRequest PriorityQueue::Take(size_t i) {
  auto [fifo, index] = Locate(i);
  QueuedRequest out = std::move((*fifo)[index]);
  // next_deadline_ns may now be stale-early; that only costs one extra
  // compaction pass later, never a missed timeout.
  fifo->erase(fifo->begin() + static_cast<std::ptrdiff_t>(index));
  --size_;
  return out;
}

void PriorityQueue::TakeFront(size_t n, std::vector<QueuedRequest>* out) {
  for (Level& level : levels_) {
    for (auto* fifo : {&level.ready, &level.delayed}) {
      while (n > 0 && !fifo->empty()) {
        out->push_back(std::move(fifo->front()));
        fifo->pop_front();
        --size_;
        --n;
      }
    }
    if (n == 0) return;
  }
}

}  // namespace strato
