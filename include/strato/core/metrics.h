// A Prometheus metrics registry: counters, gauges and histograms with labels,
// rendered in the Prometheus text exposition format (version 0.0.4).
//
// Families are created on first use and keep their name, help and type;
// each distinct label set is one series. Series pointers stay valid until
// RemoveSeries() drops them (for example when a model is unloaded), so hot
// paths look a series up once and then update it lock-free.
//
// Thread-safety: every method may be called from any thread. Counter, Gauge
// and Histogram updates are lock-free (atomics); registry look-ups take a mutex.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace strato {

using Labels = std::map<std::string, std::string>;

class Counter {
 public:
  void Increment(double v = 1.0);
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

class Gauge {
 public:
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  void Add(double v);
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

class Histogram {
 public:
  // `bounds` are the upper bounds of the buckets, ascending; +Inf is implied.
  explicit Histogram(std::vector<double> bounds);
  void Observe(double v);
  const std::vector<double>& bounds() const { return bounds_; }
  // Cumulative counts per bound, then the +Inf count; and the sum.
  std::vector<uint64_t> CumulativeCounts() const;
  double sum() const { return sum_.load(std::memory_order_relaxed); }
  uint64_t count() const { return count_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // one per bound, plus +Inf
  std::atomic<double> sum_{0.0};
  std::atomic<uint64_t> count_{0};
};

// Default latency buckets in microseconds: 100 us .. 10 s.
std::vector<double> DefaultLatencyBucketsUs();

class MetricsRegistry {
 public:
  MetricsRegistry() = default;
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // Returns the series for (name, labels), creating family and series when
  // absent. The pointer is owned by the registry. Asking for an existing
  // name with another type returns a series of a detached dummy family
  // (never null) and logs a bug.
  Counter* GetCounter(std::string_view name, std::string_view help, const Labels& labels = {});
  Gauge* GetGauge(std::string_view name, std::string_view help, const Labels& labels = {});
  Histogram* GetHistogram(std::string_view name, std::string_view help, const Labels& labels,
                          const std::vector<double>& bounds);

  // Drops every series, in every family, whose labels include all of `match`.
  void RemoveSeries(const Labels& match);

  // Called at the start of every render, to refresh gauges that are sampled
  // rather than updated (process memory, queue lengths).
  void AddRefreshHook(std::function<void()> hook);

  std::string RenderPrometheus() const;

 private:
  enum class Type { kCounter, kGauge, kHistogram };
  struct Family {
    std::string help;
    Type type;
    std::map<Labels, std::unique_ptr<Counter>> counters;
    std::map<Labels, std::unique_ptr<Gauge>> gauges;
    std::map<Labels, std::unique_ptr<Histogram>> histograms;
  };
  Family* FamilyFor(std::string_view name, std::string_view help, Type type);

  mutable std::mutex mu_;
  std::map<std::string, Family, std::less<>> families_;
  std::vector<std::function<void()>> hooks_;
  Family dummy_counter_{{}, Type::kCounter, {}, {}, {}};
  Family dummy_gauge_{{}, Type::kGauge, {}, {}, {}};
  Family dummy_histogram_{{}, Type::kHistogram, {}, {}, {}};
};

// Registers process_cpu_seconds_total, process_resident_memory_bytes,
// process_virtual_memory_bytes, process_open_fds and process_start_time_seconds
// (read from /proc at render time).
void RegisterProcessMetrics(MetricsRegistry* registry);

}  // namespace strato
