#include "strato/core/model_stats.h"

#include <chrono>

namespace strato {
namespace {

uint64_t Span(uint64_t from, uint64_t to) { return (from && to > from) ? to - from : 0; }

uint64_t WallMs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

void Add(DurationStat* d, uint64_t ns) {
  d->count++;
  d->ns += ns;
}

}  // namespace

ModelStats::ModelStats(MetricsRegistry* registry, std::string model, int64_t version)
    : model_(std::move(model)), version_(version), registry_(registry) {
  if (!registry_) return;
  const Labels l = {{"model", model_}, {"version", std::to_string(version_)}};
  success_ = registry_->GetCounter("nv_inference_request_success",
                                   "Number of successful inference requests, all batch sizes", l);
  inference_count_ = registry_->GetCounter(
      "nv_inference_count", "Number of inferences performed (does not include cached requests)", l);
  exec_count_ = registry_->GetCounter(
      "nv_inference_exec_count",
      "Number of model executions performed (does not include cached requests)", l);
  pending_gauge_ = registry_->GetGauge("nv_inference_pending_request_count",
                                       "Instantaneous number of pending requests awaiting "
                                       "execution per-model.",
                                       l);
  request_duration_us_ = registry_->GetCounter(
      "nv_inference_request_duration_us",
      "Cumulative inference request duration in microseconds (includes cached requests)", l);
  queue_duration_us_ = registry_->GetCounter(
      "nv_inference_queue_duration_us",
      "Cumulative inference queuing duration in microseconds (includes cached requests)", l);
  compute_input_us_ = registry_->GetCounter(
      "nv_inference_compute_input_duration_us",
      "Cumulative compute input duration in microseconds (does not include cached requests)", l);
  compute_infer_us_ = registry_->GetCounter(
      "nv_inference_compute_infer_duration_us",
      "Cumulative compute inference duration in microseconds (does not include cached requests)",
      l);
  compute_output_us_ = registry_->GetCounter(
      "nv_inference_compute_output_duration_us",
      "Cumulative inference compute output duration in microseconds (does not include cached "
      "requests)",
      l);
  request_latency_ = registry_->GetHistogram(
      "strato_inference_request_latency_us",
      "Latency of successful inference requests, received to final response, in microseconds", l,
      DefaultLatencyBucketsUs());
  queue_latency_ = registry_->GetHistogram(
      "strato_inference_queue_latency_us", "Time requests spent queued, in microseconds", l,
      DefaultLatencyBucketsUs());
  // Failure series exist from the start so that dashboards see zeros.
  for (auto reason : {kFailureRejected, kFailureCanceled, kFailureBackend, kFailureOther}) {
    Labels fl = l;
    fl["reason"] = std::string(reason);
    registry_->GetCounter("nv_inference_request_failure",
                          "Number of failed inference requests, all batch sizes", fl);
  }
}

ModelStats::~ModelStats() {
  if (registry_) {
    registry_->RemoveSeries({{"model", model_}, {"version", std::to_string(version_)}});
  }
}

void ModelStats::RecordSuccess(const RequestTimestamps& t, uint64_t end_ns, uint64_t batch_rows) {
  const uint64_t total = Span(t.received_ns ? t.received_ns : t.queue_start_ns, end_ns);
  const uint64_t queue = Span(t.queue_start_ns, t.compute_start_ns);
  const uint64_t compute_end = t.compute_end_ns ? t.compute_end_ns : end_ns;
  const uint64_t input_end = t.compute_input_end_ns ? t.compute_input_end_ns : t.compute_start_ns;
  const uint64_t output_start = t.compute_output_start_ns ? t.compute_output_start_ns : compute_end;
  const uint64_t input = Span(t.compute_start_ns, input_end);
  const uint64_t infer = Span(input_end, output_start);
  const uint64_t output = Span(output_start, compute_end);
  {
    std::lock_guard<std::mutex> lock(mu_);
    Add(&stats_.success, total);
    Add(&stats_.queue, queue);
    Add(&stats_.compute_input, input);
    Add(&stats_.compute_infer, infer);
    Add(&stats_.compute_output, output);
    stats_.last_inference_ms = WallMs();
  }
  (void)batch_rows;
  if (!registry_) return;
  success_->Increment();
  request_duration_us_->Increment(static_cast<double>(total) / 1000.0);
  queue_duration_us_->Increment(static_cast<double>(queue) / 1000.0);
  compute_input_us_->Increment(static_cast<double>(input) / 1000.0);
  compute_infer_us_->Increment(static_cast<double>(infer) / 1000.0);
  compute_output_us_->Increment(static_cast<double>(output) / 1000.0);
  request_latency_->Observe(static_cast<double>(total) / 1000.0);
  queue_latency_->Observe(static_cast<double>(queue) / 1000.0);
}

void ModelStats::RecordFailure(const RequestTimestamps& t, uint64_t end_ns, std::string_view reason) {
  const uint64_t total = Span(t.received_ns ? t.received_ns : t.queue_start_ns, end_ns);
  {
    std::lock_guard<std::mutex> lock(mu_);
    Add(&stats_.fail, total);
  }
  if (!registry_) return;
  registry_
      ->GetCounter("nv_inference_request_failure",
                   "Number of failed inference requests, all batch sizes",
                   {{"model", model_}, {"version", std::to_string(version_)}, {"reason", std::string(reason)}})
      ->Increment();
}

void ModelStats::RecordExecution(uint64_t batch_size, uint64_t input_ns, uint64_t infer_ns,
                                 uint64_t output_ns) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stats_.execution_count++;
    stats_.inference_count += batch_size;
    BatchStat& b = batch_stats_[batch_size];
    b.batch_size = batch_size;
    Add(&b.compute_input, input_ns);
    Add(&b.compute_infer, infer_ns);
    Add(&b.compute_output, output_ns);
  }
  if (!registry_) return;
  exec_count_->Increment();
  inference_count_->Increment(static_cast<double>(batch_size));
}

void ModelStats::AddPending(int64_t delta) {
  const int64_t now = pending_.fetch_add(delta, std::memory_order_relaxed) + delta;
  if (pending_gauge_) pending_gauge_->Set(static_cast<double>(now));
}

ModelStatsSnapshot ModelStats::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  ModelStatsSnapshot s = stats_;
  s.batch_stats.clear();
  for (const auto& [size, b] : batch_stats_) s.batch_stats.push_back(b);
  s.pending = pending_.load(std::memory_order_relaxed);
  return s;
}

}  // namespace strato
