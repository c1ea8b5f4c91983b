#include "stats_sink.h"

#include <utility>

namespace strato {

void InflightTracker::Done() {
  // seq_cst pairs with WaitForZero: either the waiter sees the zero count or
  // we see waiting_ and notify under the mutex, so a wake-up is never lost.
  // Taking the mutex only when someone waits keeps the hot path lock-free.
  if (count_.fetch_sub(1, std::memory_order_seq_cst) == 1 &&
      waiting_.load(std::memory_order_seq_cst)) {
    std::lock_guard<std::mutex> lock(mu_);
    cv_.notify_all();
  }
}

void InflightTracker::WaitForZero() {
  std::unique_lock<std::mutex> lock(mu_);
  waiting_.store(true, std::memory_order_seq_cst);
  cv_.wait(lock, [this] { return count_.load(std::memory_order_seq_cst) == 0; });
}

StatsSink::StatsSink(std::shared_ptr<ResponseSink> inner, ModelStats* stats,
                     std::shared_ptr<InflightTracker> tracker, const RequestTimestamps& times,
                     uint64_t batch_rows, const OutputCheck* check)
    : inner_(std::move(inner)),
      stats_(stats),
      tracker_(std::move(tracker)),
      times_(times),
      batch_rows_(batch_rows),
      check_(check) {}

void StatsSink::Send(std::unique_ptr<InferenceResponse> response, bool final) {
  if (final) {
    if (finished_.exchange(true, std::memory_order_acq_rel)) return;  // duplicate final
    const uint64_t end_ns = NowNs();
    if (response && response->status.ok() && check_ != nullptr) {
      Status checked = check_->Check(response->outputs);
      if (!checked.ok()) {
        response->status = std::move(checked);
        response->outputs.clear();
      }
    }
    if (stats_ == nullptr) {
      // Not counted (a shadow copy).
    } else if (response && response->status.ok()) {
      stats_->RecordSuccess(times_, end_ns, batch_rows_);
    } else {
      stats_->RecordFailure(times_, end_ns, failure_reason_);
    }
    // Before forwarding: a client that sees the response also sees the
    // request counted as done (tests and drain logic rely on this order).
    tracker_->Done();
  }
  if (inner_) inner_->Send(std::move(response), final);
}

void StatsSink::SendFailure(const InferenceRequest& request, int64_t model_version, Status status,
                            std::string_view reason) {
  failure_reason_ = reason;
  auto response = MakeResponse(request, model_version);
  response->status = std::move(status);
  Send(std::move(response), /*final=*/true);
}

}  // namespace strato
