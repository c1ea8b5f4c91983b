#include "direct_scheduler.h"

#include <algorithm>
#include <utility>

namespace strato {

DirectScheduler::DirectScheduler(const SchedulerOptions& options,
                                 std::vector<std::unique_ptr<ModelInstance>> instances)
    : model_name_(options.config->name()),
      version_(options.version),
      max_batch_size_(options.config->max_batch_size()),
      stats_(options.stats),
      output_check_(*options.config, options.version),
      tracker_(std::make_shared<InflightTracker>()),
      instances_(std::move(instances)) {}

DirectScheduler::~DirectScheduler() { Stop(); }

Status DirectScheduler::Enqueue(std::unique_ptr<InferenceRequest>& request) {
  if (!request) return InvalidArgumentError("null inference request");
  // Count first, then check: Stop sets stopping_ before waiting for zero, so
  // either we see stopping_ and back out, or Stop waits for this request.
  tracker_->Add();
  if (stopping_.load(std::memory_order_seq_cst)) {
    tracker_->Done();
    return UnavailableError("model '" + model_name_ + "' version " + std::to_string(version_) +
                            " is unloading");
  }
  const uint64_t now = NowNs();
  const uint64_t rows =
      max_batch_size_ > 0 ? static_cast<uint64_t>(std::max<int64_t>(request->BatchSize(), 1)) : 1;
  RequestTimestamps& times = request->times;
  if (times.received_ns == 0) times.received_ns = now;
  times.queue_start_ns = now;
  times.compute_start_ns = now;
  request->sink =
      std::make_shared<StatsSink>(std::move(request->sink), request->shadow ? nullptr : stats_,
                                  tracker_, times, rows, &output_check_);

  ModelInstance* instance =
      instances_[next_instance_.fetch_add(1, std::memory_order_relaxed) % instances_.size()].get();
  // The batch vector lives on this thread's stack for the one call.
  std::vector<std::unique_ptr<InferenceRequest>> batch;
  batch.push_back(std::move(request));
  instance->Execute(batch);
  const uint64_t end = NowNs();
  stats_->RecordExecution(rows, 0, end > now ? end - now : 0, 0);
  return Status::Ok();
}

void DirectScheduler::Stop() {
  std::lock_guard<std::mutex> lock(stop_mu_);
  stopping_.store(true, std::memory_order_seq_cst);
  tracker_->WaitForZero();
}

}  // namespace strato
