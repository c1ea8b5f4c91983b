#include "strato/core/metrics.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "strato/core/logging.h"

namespace strato {
namespace {

void AtomicAdd(std::atomic<double>* a, double v) {
  double cur = a->load(std::memory_order_relaxed);
  while (!a->compare_exchange_weak(cur, cur + v, std::memory_order_relaxed)) {
  }
}

std::string FormatValue(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (std::isnan(v)) return "NaN";
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%.0f", v);
    return buf;
  }
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.17g", v);
  return buf;
}

std::string EscapeLabel(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string EscapeHelp(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string LabelString(const Labels& labels, const std::string& extra_key = {},
                        const std::string& extra_value = {}) {
  if (labels.empty() && extra_key.empty()) return {};
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!first) out += ',';
    first = false;
    out += k + "=\"" + EscapeLabel(v) + "\"";
  }
  if (!extra_key.empty()) {
    if (!first) out += ',';
    out += extra_key + "=\"" + extra_value + "\"";
  }
  out += '}';
  return out;
}

bool Matches(const Labels& labels, const Labels& match) {
  for (const auto& [k, v] : match) {
    auto it = labels.find(k);
    if (it == labels.end() || it->second != v) return false;
  }
  return true;
}

}  // namespace

void Counter::Increment(double v) { AtomicAdd(&value_, v); }
void Gauge::Add(double v) { AtomicAdd(&value_, v); }

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      buckets_(std::make_unique<std::atomic<uint64_t>[]>(bounds_.size() + 1)) {}

void Histogram::Observe(double v) {
  size_t i = 0;
  while (i < bounds_.size() && v > bounds_[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  AtomicAdd(&sum_, v);
  count_.fetch_add(1, std::memory_order_relaxed);
}

std::vector<uint64_t> Histogram::CumulativeCounts() const {
  std::vector<uint64_t> out(bounds_.size() + 1);
  uint64_t running = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    out[i] = running;
  }
  return out;
}

std::vector<double> DefaultLatencyBucketsUs() {
  return {100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 1000000, 10000000};
}

MetricsRegistry::Family* MetricsRegistry::FamilyFor(std::string_view name, std::string_view help,
                                                    Type type) {
  auto it = families_.find(name);
  if (it == families_.end()) {
    it = families_.emplace(std::string(name), Family{std::string(help), type, {}, {}, {}}).first;
  }
  if (it->second.type != type) {
    LogError("metric registered twice with different types", {{"metric", std::string(name)}});
    return type == Type::kCounter ? &dummy_counter_
                                  : type == Type::kGauge ? &dummy_gauge_ : &dummy_histogram_;
  }
  return &it->second;
}

Counter* MetricsRegistry::GetCounter(std::string_view name, std::string_view help,
                                     const Labels& labels) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = FamilyFor(name, help, Type::kCounter)->counters[labels];
  if (!slot) slot = std::make_unique<Counter>();
  return slot.get();
}

Gauge* MetricsRegistry::GetGauge(std::string_view name, std::string_view help,
                                 const Labels& labels) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = FamilyFor(name, help, Type::kGauge)->gauges[labels];
  if (!slot) slot = std::make_unique<Gauge>();
  return slot.get();
}

Histogram* MetricsRegistry::GetHistogram(std::string_view name, std::string_view help,
                                         const Labels& labels, const std::vector<double>& bounds) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = FamilyFor(name, help, Type::kHistogram)->histograms[labels];
  if (!slot) slot = std::make_unique<Histogram>(bounds);
  return slot.get();
}

void MetricsRegistry::RemoveSeries(const Labels& match) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [name, fam] : families_) {
    std::erase_if(fam.counters, [&](const auto& kv) { return Matches(kv.first, match); });
    std::erase_if(fam.gauges, [&](const auto& kv) { return Matches(kv.first, match); });
    std::erase_if(fam.histograms, [&](const auto& kv) { return Matches(kv.first, match); });
  }
}

void MetricsRegistry::AddRefreshHook(std::function<void()> hook) {
  std::lock_guard<std::mutex> lock(mu_);
  hooks_.push_back(std::move(hook));
}

std::string MetricsRegistry::RenderPrometheus() const {
  std::vector<std::function<void()>> hooks;
  {
    std::lock_guard<std::mutex> lock(mu_);
    hooks = hooks_;
  }
  for (const auto& h : hooks) h();

  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  out.reserve(4096);
  for (const auto& [name, fam] : families_) {
    if (fam.counters.empty() && fam.gauges.empty() && fam.histograms.empty()) continue;
    out += "# HELP " + name + " " + EscapeHelp(fam.help) + "\n";
    switch (fam.type) {
      case Type::kCounter:
        out += "# TYPE " + name + " counter\n";
        for (const auto& [labels, c] : fam.counters) {
          out += name + LabelString(labels) + " " + FormatValue(c->value()) + "\n";
        }
        break;
      case Type::kGauge:
        out += "# TYPE " + name + " gauge\n";
        for (const auto& [labels, g] : fam.gauges) {
          out += name + LabelString(labels) + " " + FormatValue(g->value()) + "\n";
        }
        break;
      case Type::kHistogram:
        out += "# TYPE " + name + " histogram\n";
        for (const auto& [labels, h] : fam.histograms) {
          const auto counts = h->CumulativeCounts();
          for (size_t i = 0; i < h->bounds().size(); ++i) {
            out += name + "_bucket" + LabelString(labels, "le", FormatValue(h->bounds()[i])) +
                   " " + std::to_string(counts[i]) + "\n";
          }
          out += name + "_bucket" + LabelString(labels, "le", "+Inf") + " " +
                 std::to_string(counts.back()) + "\n";
          out += name + "_sum" + LabelString(labels) + " " + FormatValue(h->sum()) + "\n";
          out += name + "_count" + LabelString(labels) + " " + std::to_string(counts.back()) + "\n";
        }
        break;
    }
  }
  return out;
}

void RegisterProcessMetrics(MetricsRegistry* registry) {
  Counter* cpu_seconds = registry->GetCounter(
      "process_cpu_seconds_total", "Total user and system CPU time spent in seconds.");
  Gauge* rss = registry->GetGauge("process_resident_memory_bytes", "Resident memory size in bytes.");
  Gauge* vsz = registry->GetGauge("process_virtual_memory_bytes", "Virtual memory size in bytes.");
  Gauge* fds = registry->GetGauge("process_open_fds", "Number of open file descriptors.");
  Gauge* start = registry->GetGauge("process_start_time_seconds",
                                    "Start time of the process since unix epoch in seconds.");
  start->Set(static_cast<double>(std::time(nullptr)));
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  struct CpuState {
    std::mutex mu;
    double last = 0.0;
  };
  auto last_cpu = std::make_shared<CpuState>();
  registry->AddRefreshHook([=] {
    std::ifstream stat("/proc/self/stat");
    std::string content((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    // Fields after the command name (which is in parentheses and may hold spaces).
    const auto close = content.rfind(')');
    if (close != std::string::npos) {
      std::istringstream rest(content.substr(close + 2));
      std::string field;
      std::vector<std::string> f;
      while (rest >> field) f.push_back(field);
      // f[0] is field 3 (state); utime is field 14, stime 15, vsize 23, rss 24.
      if (f.size() > 22) {
        const double cpu_now = (std::stod(f[11]) + std::stod(f[12])) / ticks;
        std::lock_guard<std::mutex> lock(last_cpu->mu);
        if (cpu_now > last_cpu->last) {
          cpu_seconds->Increment(cpu_now - last_cpu->last);
          last_cpu->last = cpu_now;
        }
        vsz->Set(std::stod(f[20]));
        rss->Set(std::stod(f[21]) * page);
      }
    }
    std::error_code ec;
    double n = 0;
    for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec);
         !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
      ++n;
    }
    fds->Set(n);
  });
}

}  // namespace strato
