#include "dynamic_batch_scheduler.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <exception>
#include <string>
#include <utility>

namespace strato {
namespace {

// Rows a request adds to a batch: its leading dimension when the model
// batches, else 1. Never below 1, so a malformed request cannot make a batch
// grow without bound.
int64_t RowsOf(const InferenceRequest& request, int64_t max_batch_size) {
  if (max_batch_size <= 0) return 1;
  return std::max<int64_t>(request.BatchSize(), 1);
}

// Capped at an hour ahead: huge configured delays would otherwise overflow
// the clock's signed representation, and a spurious hourly wake-up is free.
Clock::time_point ToTimePoint(uint64_t ns, uint64_t now_ns) {
  constexpr uint64_t kMaxSleepNs = 3600ull * 1000 * 1000 * 1000;
  if (ns - now_ns > kMaxSleepNs) ns = now_ns + kMaxSleepNs;
  return Clock::time_point(
      std::chrono::duration_cast<Clock::duration>(std::chrono::nanoseconds(static_cast<int64_t>(ns))));
}

uint64_t Span(uint64_t from, uint64_t to) { return (from && to > from) ? to - from : 0; }

}  // namespace

StatusOr<std::unique_ptr<Scheduler>> DynamicBatchScheduler::Create(
    const SchedulerOptions& options, std::vector<std::unique_ptr<ModelInstance>> instances) {
  ASSIGN_OR_RETURN(BatcherConfig config, ResolveBatcherConfig(*options.config));
  config.output_check = std::make_shared<const OutputCheck>(*options.config, options.version);
  std::unique_ptr<DynamicBatchScheduler> scheduler(new DynamicBatchScheduler(
      std::move(config), options.version, options.stats, std::move(instances)));
  // std::thread reports failure by exception; keep it inside this module.
  try {
    std::lock_guard<std::mutex> lock(scheduler->stop_mu_);
    for (auto& instance : scheduler->instances_) {
      ModelInstance* raw = instance.get();
      scheduler->workers_.emplace_back([s = scheduler.get(), raw] { s->WorkerLoop(raw); });
    }
  } catch (const std::exception& e) {
    scheduler->Stop();
    return InternalError(std::string("cannot start scheduler threads: ") + e.what());
  }
  return std::unique_ptr<Scheduler>(std::move(scheduler));
}

DynamicBatchScheduler::DynamicBatchScheduler(BatcherConfig config, int64_t version,
                                             ModelStats* stats,
                                             std::vector<std::unique_ptr<ModelInstance>> instances)
    : config_(std::move(config)),
      version_(version),
      stats_(stats),
      tracker_(std::make_shared<InflightTracker>()),
      instances_(std::move(instances)),
      queue_(config_.level_policies) {}

DynamicBatchScheduler::~DynamicBatchScheduler() { Stop(); }

StatusOr<size_t> DynamicBatchScheduler::LevelFor(uint64_t priority) const {
  if (config_.priority_levels == 0) return size_t{1};  // priorities disabled
  if (priority == 0) return static_cast<size_t>(config_.default_priority_level);
  if (priority > config_.priority_levels) {
    return InvalidArgumentError("request priority " + std::to_string(priority) +
                                " is outside [1, priority_levels " +
                                std::to_string(config_.priority_levels) + "] of model '" +
                                config_.model_name + "'");
  }
  return static_cast<size_t>(priority);
}

Status DynamicBatchScheduler::Enqueue(std::unique_ptr<InferenceRequest>& request) {
  if (!request) return InvalidArgumentError("null inference request");
  ASSIGN_OR_RETURN(const size_t level, LevelFor(request->priority));
  const uint64_t now = NowNs();
  const int64_t rows = RowsOf(*request, config_.max_batch_size);
  const uint64_t deadline = QueueDeadlineNs(config_.level_policies[level - 1], now,
                                            request->timeout_us);
  RequestTimestamps times = request->times;
  times.queue_start_ns = now;
  if (times.received_ns == 0) times.received_ns = now;
  // Built before taking the lock to keep the critical section short; thrown
  // away untouched if the request is refused.
  auto sink =
      std::make_shared<StatsSink>(request->sink, request->shadow ? nullptr : stats_, tracker_,
                                  times, static_cast<uint64_t>(rows), config_.output_check.get());
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) {
      return UnavailableError("model '" + config_.model_name + "' version " +
                              std::to_string(version_) + " is unloading");
    }
    if (queue_.Full(level)) {
      return UnavailableError("inference request queue for model '" + config_.model_name +
                              "' is full (max_queue_size " +
                              std::to_string(queue_.policy(level).max_queue_size) + ")");
    }
    request->times = times;
    StatsSink* raw_sink = sink.get();
    request->sink = std::move(sink);
    tracker_->Add();
    stats_->AddPending(1);
    queue_.Push(level, QueuedRequest{std::move(request), raw_sink, deadline, rows});
  }
  // One waiter suffices: a worker that takes a batch and leaves requests
  // behind wakes the next one (NextBatch).
  cv_.notify_one();
  return Status::Ok();
}

void DynamicBatchScheduler::Stop() {
  std::lock_guard<std::mutex> stop_lock(stop_mu_);
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& worker : workers_) {
    if (worker.joinable()) worker.join();
  }
  workers_.clear();
  // Workers have run everything queued; streaming instances may still owe
  // final responses, and they and stats_ must outlive those.
  tracker_->WaitForZero();
}

void DynamicBatchScheduler::WorkerLoop(ModelInstance* instance) {
  // Reused across iterations so that steady state allocates nothing here.
  std::vector<QueuedRequest> batch;
  std::vector<std::unique_ptr<InferenceRequest>> scratch;
  Dropped dropped;
  while (true) {
    bool more;
    {
      std::unique_lock<std::mutex> lock(mu_);
      more = NextBatch(lock, &batch, &dropped);
    }
    if (!dropped.empty()) AnswerDropped(&dropped);
    if (!batch.empty()) ExecuteBatch(instance, &batch, &scratch);
    if (!more) return;
  }
}

bool DynamicBatchScheduler::NextBatch(std::unique_lock<std::mutex>& lock,
                                      std::vector<QueuedRequest>* batch, Dropped* dropped) {
  while (true) {
    const uint64_t now = NowNs();
    const Plan plan = PlanBatch(now, dropped);
    if (plan.run_count > 0) {
      queue_.TakeFront(plan.run_count, batch);
      if (!queue_.empty()) cv_.notify_one();  // let an idle worker look at the rest
      return true;
    }
    // Answer drops promptly, outside the lock, then come back.
    if (!dropped->empty()) return true;
    if (queue_.empty()) {
      if (stopping_) return false;
      cv_.wait(lock);
    } else {
      // Also wake for the next queue timeout, so an expired request is
      // answered on time even while the batch it waits in is still open.
      uint64_t wake = plan.wake_ns;
      const uint64_t deadline = queue_.NextDeadline();
      if (deadline != 0 && deadline < wake) wake = std::max(deadline, now + 1);
      cv_.wait_until(lock, ToTimePoint(wake, now));
    }
  }
}

DynamicBatchScheduler::Plan DynamicBatchScheduler::PlanBatch(uint64_t now_ns, Dropped* dropped) {
  queue_.ApplyTimeouts(now_ns, &dropped->rejected);
  Plan plan;
  const bool one_per_batch = !config_.dynamic || config_.max_batch_size == 0;
  const InferenceRequest* first = nullptr;
  size_t count = 0;
  size_t preferred_count = 0;  // longest prefix whose rows are a preferred size
  int64_t rows = 0;
  bool closed = false;  // the batch cannot grow any more
  size_t i = 0;
  while (i < queue_.size()) {
    QueuedRequest& entry = queue_.At(i);
    if (entry.request->IsCancelled()) {
      dropped->cancelled.push_back(queue_.Take(i));
      continue;  // the next request now sits at index i
    }
    if (first != nullptr && (rows + entry.rows > config_.max_batch_size ||
                             !ShapesMatch(*first, *entry.request))) {
      closed = true;
      break;
    }
    if (first == nullptr) first = entry.request.get();
    rows += entry.rows;
    ++count;
    ++i;
    if (config_.IsPreferred(rows)) preferred_count = count;
    if (one_per_batch || rows >= config_.max_batch_size) {
      closed = true;
      break;
    }
  }
  if (count == 0) return plan;
  if (preferred_count > 0) {
    // A preferred size can be formed: run the largest such prefix at once,
    // even when the batch could hold more (preferred sizes are the shapes
    // the model runs best).
    plan.run_count = preferred_count;
  } else if (closed || stopping_) {
    // Waiting cannot make the batch larger (or we are draining for Stop).
    plan.run_count = count;
  } else {
    const uint64_t oldest = first->times.queue_start_ns;
    const uint64_t due = config_.max_queue_delay_ns > UINT64_MAX - oldest
                             ? UINT64_MAX
                             : oldest + config_.max_queue_delay_ns;
    if (now_ns >= due) {
      plan.run_count = count;
    } else {
      plan.wake_ns = due;
    }
  }
  return plan;
}

bool DynamicBatchScheduler::ShapesMatch(const InferenceRequest& a,
                                        const InferenceRequest& b) const {
  if (a.inputs.size() != b.inputs.size()) return false;
  for (size_t i = 0; i < a.inputs.size(); ++i) {
    const Tensor& x = a.inputs[i];
    // Inputs usually arrive in the same order; look up by name otherwise.
    const Tensor* y = b.inputs[i].name() == x.name() ? &b.inputs[i] : b.FindInput(x.name());
    if (y == nullptr || y->datatype() != x.datatype()) return false;
    if (config_.IsRagged(x.name())) continue;
    const auto& xs = x.shape();
    const auto& ys = y->shape();
    if (xs.size() != ys.size()) return false;
    // Dimension 0 is the batch dimension and may differ.
    if (!std::equal(xs.begin() + (xs.empty() ? 0 : 1), xs.end(), ys.begin() + (ys.empty() ? 0 : 1))) {
      return false;
    }
  }
  return true;
}

void DynamicBatchScheduler::ExecuteBatch(ModelInstance* instance,
                                         std::vector<QueuedRequest>* batch,
                                         std::vector<std::unique_ptr<InferenceRequest>>* scratch) {
  const uint64_t start = NowNs();
  uint64_t rows = 0;
  scratch->clear();
  for (QueuedRequest& entry : *batch) {
    entry.request->times.compute_start_ns = start;
    entry.sink->MarkComputeStart(start);
    rows += static_cast<uint64_t>(entry.rows);
    scratch->push_back(std::move(entry.request));
  }
  stats_->AddPending(-static_cast<int64_t>(batch->size()));
  batch->clear();
  instance->Execute(*scratch);
  const uint64_t end = NowNs();
  // The backend may split its compute time on any request of the batch
  // (they ran together); without a split the whole time counts as infer.
  uint64_t input_end = start;
  uint64_t output_start = end;
  for (const auto& request : *scratch) {
    if (!request) continue;  // moved out by the backend
    if (request->times.compute_input_end_ns) input_end = request->times.compute_input_end_ns;
    if (request->times.compute_output_start_ns) {
      output_start = request->times.compute_output_start_ns;
    }
    break;
  }
  input_end = std::clamp(input_end, start, end);
  output_start = std::clamp(output_start, input_end, end);
  stats_->RecordExecution(rows, Span(start, input_end), Span(input_end, output_start),
                          Span(output_start, end));
  scratch->clear();  // frees the requests the backend left with us
}

void DynamicBatchScheduler::AnswerDropped(Dropped* dropped) {
  stats_->AddPending(-static_cast<int64_t>(dropped->rejected.size() + dropped->cancelled.size()));
  for (QueuedRequest& entry : dropped->rejected) {
    entry.sink->SendFailure(*entry.request, version_, UnavailableError("request timeout expired"),
                            kFailureRejected);
  }
  for (QueuedRequest& entry : dropped->cancelled) {
    entry.sink->SendFailure(*entry.request, version_, CancelledError("request cancelled"),
                            kFailureCanceled);
  }
  dropped->rejected.clear();
  dropped->cancelled.clear();
}

}  // namespace strato
