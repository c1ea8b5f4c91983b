#include "strato/forecast/inventory.h"

#include <algorithm>
#include <cmath>

namespace strato::forecast {
namespace {

Status CheckSettings(const DemandDistribution& d, const PolicySettings& s) {
  if (d.mean.empty() || d.mean.size() != d.sd.size()) {
    return InvalidArgumentError(
        "the demand forecast needs as many sds as means (and at least one)");
  }
  for (size_t i = 0; i < d.mean.size(); ++i) {
    if (!std::isfinite(d.mean[i]) || !std::isfinite(d.sd[i]) || d.sd[i] < 0) {
      return InvalidArgumentError("demand forecast step " + std::to_string(i) +
                                  " is not finite (or has a negative sd)");
    }
  }
  if (s.lead_time < 0 || s.lead_time > 10000)
    return InvalidArgumentError("lead_time must be in [0, 10000]");
  if (!(s.error_correlation >= 0 && s.error_correlation <= 1)) {
    return InvalidArgumentError("error_correlation must be in [0, 1]");
  }
  if (!(s.lead_time_sd >= 0)) return InvalidArgumentError("lead_time_sd must be >= 0");
  if (s.review_period < 1 || s.review_period > 10000) {
    return InvalidArgumentError("review_period must be in [1, 10000]");
  }
  if (!(s.service_level > 0 && s.service_level < 1)) {
    return InvalidArgumentError("service_level must be in (0, 1)");
  }
  if (!(s.costs.holding >= 0 && s.costs.ordering >= 0 && s.costs.stockout >= 0)) {
    return InvalidArgumentError("costs must be >= 0");
  }
  return Status::Ok();
}

double AverageDemand(const DemandDistribution& d) {
  double s = 0;
  for (double v : d.mean) s += std::max(v, 0.0);
  return s / static_cast<double>(d.mean.size());
}

// Levels recomputed at each review from the forecast steps ahead.
class ForecastPolicy : public InventoryPolicy {
 public:
  ForecastPolicy(PolicyKind kind, DemandDistribution d, PolicySettings s)
      : kind_(kind), d_(std::move(d)), s_(s), z_(NormalQuantile(s.service_level)) {
    quantity_ = EconomicOrderQuantity(AverageDemand(d_), s_.costs.ordering, s_.costs.holding);
  }
  int review_period() const override {
    return kind_ == PolicyKind::kPeriodicOrderUpTo ? s_.review_period : 1;
  }
  // The level protecting the next `periods` periods after t.
  double Level(size_t t, int periods) const {
    double mean = 0, sd = 0;
    ProtectionDemand(d_, t + 1, periods, s_.error_correlation, s_.lead_time_sd, &mean, &sd);
    return mean + z_ * sd;
  }
  double OrderQuantity(size_t t, double position) const override {
    switch (kind_) {
      case PolicyKind::kPeriodicOrderUpTo: {
        if (t % static_cast<size_t>(s_.review_period) != 0) return 0;
        return std::max(0.0, Level(t, s_.review_period + s_.lead_time) - position);
      }
      case PolicyKind::kReorderPointQuantity: {
        const double s = Level(t, 1 + s_.lead_time);
        if (position > s) return 0;
        const double n = std::floor((s - position) / quantity_) + 1;
        return n * quantity_;
      }
      case PolicyKind::kReorderPointOrderUpTo: {
        const double s = Level(t, 1 + s_.lead_time);
        if (position > s) return 0;
        return s + quantity_ - position;
      }
      case PolicyKind::kWeeksOfCover: break;
    }
    return 0;
  }

 private:
  PolicyKind kind_;
  DemandDistribution d_;
  PolicySettings s_;
  double z_;
  double quantity_ = 1;
};

class CoverPolicy : public InventoryPolicy {
 public:
  CoverPolicy(double level, int review) : level_(level), review_(std::max(review, 1)) {}
  int review_period() const override { return review_; }
  double OrderQuantity(size_t t, double position) const override {
    if (t % static_cast<size_t>(review_) != 0) return 0;
    return std::max(0.0, level_ - position);
  }

 private:
  double level_;
  int review_;
};

}  // namespace

std::string_view PolicyKindName(PolicyKind kind) {
  switch (kind) {
    case PolicyKind::kPeriodicOrderUpTo: return "(R,S)";
    case PolicyKind::kReorderPointQuantity: return "(s,Q)";
    case PolicyKind::kReorderPointOrderUpTo: return "(s,S)";
    case PolicyKind::kWeeksOfCover: return "cover";
  }
  return "?";
}

double NormalQuantile(double p) {
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                                 -2.759285104469687e+02, 1.383577518672690e+02,
                                 -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                                 -1.556989798598866e+02, 6.680131188771972e+01,
                                 -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                                 -2.400758277161838e+00, -2.549732539343734e+00,
                                 4.374664141464968e+00,  2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                                 2.445134137142996e+00, 3.754408661907416e+00};
  if (p <= 0) return -HUGE_VAL;
  if (p >= 1) return HUGE_VAL;
  constexpr double kLow = 0.02425;
  auto tail = [&](double q) {
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
           ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  };
  if (p < kLow) return tail(std::sqrt(-2 * std::log(p)));
  if (p > 1 - kLow) return -tail(std::sqrt(-2 * std::log(1 - p)));
  const double q = p - 0.5, r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
         (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

double EconomicOrderQuantity(double demand_per_period, double ordering, double holding) {
  if (!(ordering > 0) || !(holding > 0)) return std::max(demand_per_period, 1.0);
  return std::max(std::sqrt(2 * demand_per_period * ordering / holding), 1.0);
}

void ProtectionDemand(const DemandDistribution& d, size_t from, double periods, double rho,
                      double lead_time_sd, double* mean, double* sd) {
  double m = 0, s = 0, s2 = 0, per = 0;
  const size_t whole = static_cast<size_t>(std::floor(periods));
  const double part = periods - static_cast<double>(whole);
  for (size_t k = 0; k <= whole; ++k) {
    const double w = k < whole ? 1.0 : part;
    if (w <= 0) continue;
    const size_t i = std::min(from + k, d.mean.size() - 1);
    m += w * std::max(d.mean[i], 0.0);
    s += w * d.sd[i];
    s2 += w * d.sd[i] * d.sd[i];
  }
  per = periods > 0 ? m / periods : 0;
  *mean = m;
  const double var = (1 - rho) * s2 + rho * s * s;
  *sd = std::sqrt(std::max(var, 0.0) + per * per * lead_time_sd * lead_time_sd);
}

StatusOr<SafetyStockPlan> PlanSafetyStock(const DemandDistribution& d, const PolicySettings& s) {
  RETURN_IF_ERROR(CheckSettings(d, s));
  SafetyStockPlan plan;
  ProtectionDemand(d, 0, s.lead_time + s.review_period, s.error_correlation, s.lead_time_sd,
                   &plan.demand_mean, &plan.demand_sd);
  plan.safety_stock = std::max(0.0, NormalQuantile(s.service_level) * plan.demand_sd);
  plan.reorder_point = plan.demand_mean + plan.safety_stock;
  plan.order_quantity = EconomicOrderQuantity(AverageDemand(d), s.costs.ordering, s.costs.holding);
  return plan;
}

StatusOr<std::unique_ptr<InventoryPolicy>> MakeForecastPolicy(PolicyKind kind,
                                                              const DemandDistribution& d,
                                                              const PolicySettings& s) {
  RETURN_IF_ERROR(CheckSettings(d, s));
  if (kind == PolicyKind::kWeeksOfCover) {
    return InvalidArgumentError("the cover policy is not forecast-driven: use MakeCoverPolicy");
  }
  return std::unique_ptr<InventoryPolicy>(new ForecastPolicy(kind, d, s));
}

std::unique_ptr<InventoryPolicy> MakeCoverPolicy(double average_demand, double cover_periods,
                                                 int review_period) {
  return std::make_unique<CoverPolicy>(std::max(average_demand, 0.0) * cover_periods,
                                       review_period);
}

StatusOr<SimulationResult> Simulate(const InventoryPolicy& policy, std::span<const double> demand,
                                    const SimulationOptions& o) {
  if (o.lead_time < 0 || o.lead_time > 10000)
    return InvalidArgumentError("lead_time must be in [0, 10000]");
  if (!(o.initial_on_hand >= 0)) return InvalidArgumentError("initial_on_hand must be >= 0");
  for (size_t t = 0; t < demand.size(); ++t) {
    if (!std::isfinite(demand[t]) || demand[t] < 0) {
      return InvalidArgumentError("demand at period " + std::to_string(t) +
                                  " must be a finite number >= 0");
    }
  }
  SimulationResult r;
  const size_t n = demand.size();
  const size_t lead = static_cast<size_t>(o.lead_time);
  std::vector<double> arrivals(n + lead + 2, 0.0);
  double on_hand = o.initial_on_hand, on_order = 0, backlog = 0, on_hand_sum = 0;
  const size_t review = static_cast<size_t>(std::max(policy.review_period(), 1));
  bool cycle_short = false;
  for (size_t t = 0; t < n; ++t) {
    on_hand += arrivals[t];
    on_order -= arrivals[t];
    if (o.backorders && backlog > 0) {
      const double x = std::min(on_hand, backlog);
      on_hand -= x;
      backlog -= x;
    }
    const double d = demand[t];
    const double served = std::min(on_hand, d);
    const double short_units = d - served;
    on_hand -= served;
    r.demand += d;
    r.served_from_stock += served;
    if (short_units > 0) {
      r.short_units += short_units;
      ++r.stockout_periods;
      cycle_short = true;
      if (o.backorders) backlog += short_units;
    }
    const double position = on_hand + on_order - backlog;
    const double q = policy.OrderQuantity(t, position);
    if (q > 0) {
      ++r.orders;
      r.ordering_cost += o.costs.ordering;
      if (o.lead_time == 0) {
        on_hand += q;  // immediate: available before the period closes
        if (o.backorders && backlog > 0) {
          const double x = std::min(on_hand, backlog);
          on_hand -= x;
          backlog -= x;
        }
      } else {
        on_order += q;
        arrivals[t + lead + 1] += q;
      }
    }
    r.holding_cost += on_hand * o.costs.holding;
    r.stockout_cost += short_units * o.costs.stockout;
    on_hand_sum += on_hand;
    r.on_hand.push_back(on_hand - backlog);
    r.position.push_back(on_hand + on_order - backlog);
    if ((t + 1) % review == 0 || t + 1 == n) {
      ++r.cycles;
      r.cycles_with_stockout += cycle_short;
      cycle_short = false;
    }
  }
  r.fill_rate = r.demand > 0 ? r.served_from_stock / r.demand : 1.0;
  r.cycle_service_level = r.cycles > 0 ? 1.0 - static_cast<double>(r.cycles_with_stockout) /
                                                   static_cast<double>(r.cycles)
                                       : 1.0;
  r.average_on_hand = n > 0 ? on_hand_sum / static_cast<double>(n) : 0;
  r.total_cost = r.holding_cost + r.ordering_cost + r.stockout_cost;
  return r;
}

}  // namespace strato::forecast
