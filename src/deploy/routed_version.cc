#include "routed_version.h"

#include <mutex>
#include <optional>
#include <random>
#include <variant>

#include "shadow_dispatcher.h"
#include "traffic_router.h"

namespace strato::deploy {

// Pairs the production answer with the shadow's; compares once both came.
struct ShadowComparison {
  std::shared_ptr<ShadowTotals> totals;
  std::mutex mu;
  std::optional<std::vector<Tensor>> primary;  // guarded by mu
  std::optional<std::vector<Tensor>> shadow;   // guarded by mu
  bool primary_failed = false;                 // guarded by mu
  bool shadow_failed = false;                  // guarded by mu

  void Offer(bool is_shadow, const InferenceResponse* response) {
    std::lock_guard<std::mutex> lock(mu);
    const bool failed = response == nullptr || !response->status.ok();
    if (is_shadow) {
      shadow_failed = failed;
      shadow = failed ? std::vector<Tensor>() : response->outputs;
    } else {
      primary_failed = failed;
      primary = failed ? std::vector<Tensor>() : response->outputs;
    }
    if (!primary || !shadow) return;
    if (shadow_failed) {
      ++totals->failed;
      if (totals->failed_counter) totals->failed_counter->Increment();
      return;
    }
    if (primary_failed) return;  // nothing to compare against
    ++totals->compared;
    if (Same(*primary, *shadow)) {
      ++totals->matched;
      if (totals->matched_counter) totals->matched_counter->Increment();
    } else {
      ++totals->mismatched;
      if (totals->mismatched_counter) totals->mismatched_counter->Increment();
    }
  }

  static bool Same(const std::vector<Tensor>& a, const std::vector<Tensor>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      if (a[i].name() != b[i].name() || a[i].datatype() != b[i].datatype() || a[i].shape() != b[i].shape() ||
          a[i].byte_size() != b[i].byte_size() ||
          !std::equal(a[i].data(), a[i].data() + a[i].byte_size(), b[i].data())) {
        return false;
      }
    }
    return true;
  }
};

namespace {

// Wraps the frontend's sink: records the final outcome in the version's
// window and offers the answer for shadow comparison, then passes it on.
class OutcomeSink : public ResponseSink {
 public:
  OutcomeSink(std::shared_ptr<ResponseSink> next, VersionWindow* window,
              std::shared_ptr<const RouteState> keep, std::shared_ptr<ShadowComparison> comparison)
      : next_(std::move(next)), window_(window), keep_(std::move(keep)),
        comparison_(std::move(comparison)), start_ns_(NowNs()) {}

  void Send(std::unique_ptr<InferenceResponse> response, bool final) override {
    if (final) {
      const bool cancelled = response && response->status.code() == StatusCode::kCancelled;
      const bool ok = response && response->status.ok();
      const uint64_t now = NowNs();
      if (window_ != nullptr && !cancelled) window_->Record(now, (now - start_ns_) / 1000, ok);
      if (comparison_) comparison_->Offer(/*is_shadow=*/false, response.get());
    }
    if (next_) next_->Send(std::move(response), final);
  }

 private:
  const std::shared_ptr<ResponseSink> next_;
  VersionWindow* const window_;                   // owned by keep_
  const std::shared_ptr<const RouteState> keep_;  // keeps window_ alive
  const std::shared_ptr<ShadowComparison> comparison_;
  const uint64_t start_ns_;
};

// Receives the shadow's answer: recorded and compared, never returned.
class ShadowSink : public ResponseSink {
 public:
  ShadowSink(VersionWindow* window, std::shared_ptr<const RouteState> keep,
             std::shared_ptr<ShadowComparison> comparison, std::shared_ptr<ShadowPending> pending)
      : window_(window),
        keep_(std::move(keep)),
        comparison_(std::move(comparison)),
        pending_(std::move(pending)),
        start_ns_(NowNs()) {}
  void Send(std::unique_ptr<InferenceResponse> response, bool final) override {
    if (!final) return;
    const uint64_t now = NowNs();
    const bool ok = response && response->status.ok();
    if (window_ != nullptr) window_->Record(now, (now - start_ns_) / 1000, ok);
    if (const ShadowTotals* totals = comparison_->totals.get()) {
      Counter* counter = ok ? totals->shadow_success_counter : totals->shadow_failure_counter;
      if (counter) counter->Increment();
    }
    comparison_->Offer(/*is_shadow=*/true, response.get());
    pending_->Release();
  }

 private:
  VersionWindow* const window_;
  const std::shared_ptr<const RouteState> keep_;
  const std::shared_ptr<ShadowComparison> comparison_;
  const std::shared_ptr<ShadowPending> pending_;
  const uint64_t start_ns_;
};

// Whether this request gets a shadow copy (a `fraction` of them, at random).
bool SampleShadow(double fraction) {
  if (fraction >= 1) return true;
  if (fraction <= 0) return false;
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return UnitInterval(rng()) < fraction;
}

// The draw in [0, 1) that decides production vs canary: from the sticky
// key's value when the request carries it, else random.
double DrawFor(const InferenceRequest& request, const std::string& sticky_key) {
  if (!sticky_key.empty()) {
    auto it = request.parameters.find(sticky_key);
    if (it != request.parameters.end()) {
      std::string value;
      if (const auto* s = std::get_if<std::string>(&it->second)) value = *s;
      if (const auto* i = std::get_if<int64_t>(&it->second)) value = std::to_string(*i);
      if (const auto* d = std::get_if<double>(&it->second)) value = std::to_string(*d);
      if (const auto* b = std::get_if<bool>(&it->second)) value = *b ? "true" : "false";
      return UnitInterval(StableHash(value));
    }
  }
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return UnitInterval(rng());
}

}  // namespace

std::shared_ptr<ModelVersion> RoutedVersion::Pick(const RouteState& route,
                                                  const InferenceRequest& request) const {
  const auto& spec = route.spec;
  const int64_t target = PickVersion(spec.production, spec.canary, spec.canary_weight,
                                     DrawFor(request, spec.sticky_key));
  if (target == production_->version() && &route == route_.get()) return production_;
  auto got = inner_->Get(name(), target);
  if (got.ok()) return std::move(got).value();
  if (target != spec.production) {
    auto production = inner_->Get(name(), spec.production);
    if (production.ok()) return std::move(production).value();
  }
  return nullptr;
}

void RoutedVersion::SendShadow(const RouteState& route, const InferenceRequest& request,
                               const std::shared_ptr<ShadowComparison>& comparison) const {
  auto shadow = inner_->Get(name(), route.spec.shadow);
  if (!shadow.ok()) {
    comparison->Offer(/*is_shadow=*/true, nullptr);
    return;
  }
  const std::shared_ptr<ShadowPending>& pending = route.shadow_dispatcher->pending();
  if (!pending->TryAcquire()) {
    // The shadow lags behind: drop the copy rather than slow production.
    ++route.shadow->dropped;
    if (route.shadow->shadow_dropped_counter) route.shadow->shadow_dropped_counter->Increment();
    return;
  }
  auto copy = std::make_unique<InferenceRequest>();
  copy->id = request.id;
  copy->model_name = request.model_name;
  copy->model_version = route.spec.shadow;
  copy->inputs = request.inputs;  // views share the received body (kept alive by the tensors)
  copy->outputs = request.outputs;
  copy->parameters = request.parameters;
  copy->priority = request.priority;
  copy->timeout_us = request.timeout_us;
  copy->times.received_ns = request.times.received_ns;
  copy->shadow = true;
  copy->sink = std::make_shared<ShadowSink>(route.WindowFor(route.spec.shadow),
                                            table_->Find(name()), comparison, pending);
  route.shadow_dispatcher->Submit(std::move(shadow).value(), std::move(copy),
                                  [comparison, pending] {
                                    if (comparison->totals->shadow_failure_counter)
                                      comparison->totals->shadow_failure_counter->Increment();
                                    comparison->Offer(/*is_shadow=*/true, nullptr);
                                    pending->Release();
                                  });
}

Status RoutedVersion::Infer(std::unique_ptr<InferenceRequest>& request) {
  std::shared_ptr<const RouteState> route = route_;
  const std::shared_ptr<ResponseSink> original_sink = request->sink;
  Status status = UnavailableError("model '" + name() + "' has no ready version");
  for (int attempt = 0; attempt < 4; ++attempt) {
    std::shared_ptr<ModelVersion> chosen = route ? Pick(*route, *request) : nullptr;
    if (!chosen) {
      auto any = inner_->Get(name(), -1);
      if (!any.ok()) return any.status();
      chosen = std::move(any).value();
    }
    std::shared_ptr<ShadowComparison> comparison;
    if (route && route->spec.shadow > 0 && route->shadow && route->shadow_dispatcher &&
        SampleShadow(route->shadow_fraction)) {
      comparison = std::make_shared<ShadowComparison>();
      comparison->totals = route->shadow;
    }
    // Copied before Infer: on success the request is gone.
    std::unique_ptr<InferenceRequest> shadow_copy_source;
    if (comparison) {
      shadow_copy_source = std::make_unique<InferenceRequest>();
      shadow_copy_source->id = request->id;
      shadow_copy_source->model_name = request->model_name;
      shadow_copy_source->inputs = request->inputs;
      shadow_copy_source->outputs = request->outputs;
      shadow_copy_source->parameters = request->parameters;
      shadow_copy_source->priority = request->priority;
      shadow_copy_source->timeout_us = request->timeout_us;
      shadow_copy_source->times = request->times;
    }
    const int64_t version = chosen->version();
    request->sink = std::make_shared<OutcomeSink>(original_sink, route ? route->WindowFor(version) : nullptr,
                                                  route, comparison);
    request->model_version = version;
    status = chosen->Infer(request);
    if (status.ok()) {
      if (route) {
        Counter* counter = version == route->spec.canary ? route->canary_requests : route->production_requests;
        if (counter) counter->Increment();
      }
      if (comparison) SendShadow(*route, *shadow_copy_source, comparison);
      return status;
    }
    request->sink = original_sink;
    // Retired between look-up and Infer (a promote or rollback): route again
    // with what the table says now. Any other error (a request this version
    // rejects) counts against the version: a canary that rejects what
    // production accepts is a regression.
    if (status.code() != StatusCode::kUnavailable) {
      if (route) {
        if (VersionWindow* window = route->WindowFor(version)) window->Record(NowNs(), 0, false);
      }
      return status;
    }
    route = table_->Find(name());
  }
  return status;
}

}  // namespace strato::deploy
