// DynamicBatchScheduler: Triton's dynamic batcher. Requests wait in a
// PriorityQueue; one worker thread per ModelInstance takes the next batch
// from the shared queue and calls Execute on its own instance.
//
// Batch formation (see PlanBatch): a batch is a run of whole requests from
// the front of the queue, in drain order, whose non-batch input shapes match
// the first request's (ragged inputs excepted) and whose rows add up to at
// most max_batch_size. The batch runs at once when it is as large as it can
// get (max_batch_size rows, or the next request does not fit), when a prefix
// of it has a preferred batch size (the largest such prefix runs), or when
// the oldest request in it has waited max_queue_delay; otherwise the worker
// sleeps until that moment or the next arrival. Without dynamic_batching, or
// with max_batch_size 0, each request is a batch of its own and runs at once.
//
// Before a batch runs, expired requests are handled by their level's policy
// (REJECT: answered UNAVAILABLE "request timeout expired"; DELAY: moved
// behind) and cancelled requests are answered CANCELLED. Timeouts are checked
// whenever a worker forms a batch, and an idle worker waiting for a batch to
// fill also wakes at the next deadline; while every instance is busy, an
// expired request is answered when the next worker comes free.
//
// Thread-safety: Enqueue, InflightCount and Stop may be called from any
// thread concurrently.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "batch_config.h"
#include "priority_queue.h"
#include "stats_sink.h"
#include "strato/scheduler/scheduler.h"

namespace strato {

class DynamicBatchScheduler final : public Scheduler {
 public:
  // Starts one worker per instance. INVALID_ARGUMENT when the config is
  // invalid (see ResolveBatcherConfig); INTERNAL when a thread cannot start.
  // REQUIRES: options.config and options.stats non-null; instances non-empty
  // with no null entry.
  static StatusOr<std::unique_ptr<Scheduler>> Create(
      const SchedulerOptions& options, std::vector<std::unique_ptr<ModelInstance>> instances);

  ~DynamicBatchScheduler() override;  // calls Stop()

  // Errors (request left untouched): INVALID_ARGUMENT for a null request or a
  // priority above priority_levels; UNAVAILABLE when the level's queue is
  // full or the scheduler is stopping. On success sets times.queue_start_ns
  // (and received_ns if 0), wraps request->sink in a StatsSink and counts the
  // request as pending.
  Status Enqueue(std::unique_ptr<InferenceRequest>& request) override;
  size_t InflightCount() const override { return tracker_->count(); }
  void Stop() override;

 private:
  DynamicBatchScheduler(BatcherConfig config, int64_t version, ModelStats* stats,
                        std::vector<std::unique_ptr<ModelInstance>> instances);

  // Requests removed from the queue without running.
  struct Dropped {
    std::vector<QueuedRequest> rejected;   // queue timeout under REJECT
    std::vector<QueuedRequest> cancelled;
    bool empty() const { return rejected.empty() && cancelled.empty(); }
  };

  // What PlanBatch decided.
  struct Plan {
    size_t run_count = 0;   // > 0: take this many from the front now
    uint64_t wake_ns = 0;   // run_count == 0 and queue non-empty: sleep until
  };

  void WorkerLoop(ModelInstance* instance);
  // Blocks until there is a batch to run (moved into *batch), requests to
  // drop (moved into *dropped), or the scheduler stopped with an empty queue
  // (returns false). REQUIRES: lock holds mu_.
  bool NextBatch(std::unique_lock<std::mutex>& lock, std::vector<QueuedRequest>* batch,
                 Dropped* dropped);
  // Applies timeouts, removes cancelled requests at the front and decides
  // whether a batch runs now. REQUIRES: mu_ held.
  Plan PlanBatch(uint64_t now_ns, Dropped* dropped);
  bool ShapesMatch(const InferenceRequest& a, const InferenceRequest& b) const;
  // Runs `batch` on `instance` and records the execution. Called without mu_.
  void ExecuteBatch(ModelInstance* instance, std::vector<QueuedRequest>* batch,
                    std::vector<std::unique_ptr<InferenceRequest>>* scratch);
  // Answers dropped requests. Called without mu_.
  void AnswerDropped(Dropped* dropped);
  StatusOr<size_t> LevelFor(uint64_t priority) const;

  const BatcherConfig config_;  // immutable
  const int64_t version_;
  ModelStats* const stats_;
  const std::shared_ptr<InflightTracker> tracker_;
  std::vector<std::unique_ptr<ModelInstance>> instances_;  // fixed after construction

  mutable std::mutex mu_;
  std::condition_variable cv_;   // queue changed or stopping; waited on with mu_
  PriorityQueue queue_;          // GUARDED_BY(mu_)
  bool stopping_ = false;        // GUARDED_BY(mu_)

  std::mutex stop_mu_;                  // serialises Stop() calls
  std::vector<std::thread> workers_;    // GUARDED_BY(stop_mu_) after Create
};

}  // namespace strato
