#include "strato/routing/problem.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace strato::routing {
namespace {

std::string Num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

Status CheckSize(const std::vector<double>& v, size_t n, const char* field, bool optional) {
  if (optional && v.empty()) return Status::Ok();
  if (v.size() != n) {
    return InvalidArgumentError(std::string(field) + ": has " + std::to_string(v.size()) +
                                " entries, expected one per node (" + std::to_string(n) + ")");
  }
  for (size_t i = 0; i < v.size(); ++i) {
    if (!std::isfinite(v[i])) {
      return InvalidArgumentError(std::string(field) + "[" + std::to_string(i) +
                                  "]: is not a finite number");
    }
  }
  return Status::Ok();
}

Status CheckMatrix(const std::vector<double>& m, size_t n, const char* field) {
  if (m.size() != n * n) {
    return InvalidArgumentError(std::string(field) + ": has " + std::to_string(m.size()) +
                                " entries, expected " + std::to_string(n) + " x " +
                                std::to_string(n) + " = " + std::to_string(n * n));
  }
  for (size_t k = 0; k < m.size(); ++k) {
    if (!std::isfinite(m[k]) || m[k] < 0) {
      return InvalidArgumentError(std::string(field) + "[" + std::to_string(k / n) + "][" +
                                  std::to_string(k % n) + "]: must be a finite number >= 0");
    }
  }
  return Status::Ok();
}

}  // namespace

double RoundedDistance(double dx, double dy, Rounding rounding) {
  const double d = std::sqrt(dx * dx + dy * dy);
  switch (rounding) {
    case Rounding::kNearestInt: return std::floor(d + 0.5);
    case Rounding::kTruncateOneDecimal: return std::floor(10 * d) / 10;
    case Rounding::kNone: break;
  }
  return d;
}

Status Finalize(Problem* p) {
  const size_t n = p->demand.size();
  if (n == 0) return InvalidArgumentError("demand: the problem has no nodes (need a depot)");
  if (n == 1) return InvalidArgumentError("demand: the problem has no customers, only a depot");
  if (n > static_cast<size_t>(kMaxNodes)) {
    return InvalidArgumentError("demand: " + std::to_string(n - 1) + " customers, at most " +
                                std::to_string(kMaxNodes - 1) + " are supported");
  }
  RETURN_IF_ERROR(CheckSize(p->demand, n, "demand", false));
  RETURN_IF_ERROR(CheckSize(p->x, n, "x", true));
  RETURN_IF_ERROR(CheckSize(p->y, n, "y", p->x.empty()));
  if (p->x.empty() != p->y.empty()) {
    return InvalidArgumentError("coordinates: x and y must both be given or both omitted");
  }
  RETURN_IF_ERROR(CheckSize(p->service, n, "service", true));
  RETURN_IF_ERROR(CheckSize(p->ready, n, "ready", true));
  RETURN_IF_ERROR(CheckSize(p->due, n, "due", p->ready.empty()));
  if (p->ready.empty() != p->due.empty()) {
    return InvalidArgumentError("time windows: ready and due must both be given or both omitted");
  }
  if (!std::isfinite(p->capacity) || p->capacity <= 0) {
    return InvalidArgumentError("capacity: must be a finite number > 0, got " + Num(p->capacity));
  }
  if (p->max_vehicles < 0) return InvalidArgumentError("vehicles: must be >= 0 (0 = unlimited)");
  if (p->demand[0] != 0) return InvalidArgumentError("demand[0]: the depot must have demand 0");
  for (size_t i = 1; i < n; ++i) {
    if (p->demand[i] < 0) {
      return InvalidArgumentError("demand[" + std::to_string(i) + "]: is negative (" +
                                  Num(p->demand[i]) + ")");
    }
    if (p->demand[i] > p->capacity) {
      return InvalidArgumentError("demand[" + std::to_string(i) + "]: " + Num(p->demand[i]) +
                                  " exceeds the vehicle capacity " + Num(p->capacity));
    }
  }
  for (size_t i = 0; i < p->service.size(); ++i) {
    if (p->service[i] < 0) {
      return InvalidArgumentError("service[" + std::to_string(i) + "]: is negative");
    }
  }
  if (p->distance.empty()) {
    if (p->x.empty()) {
      return InvalidArgumentError("distance: give either coordinates (x, y) or a distance matrix");
    }
    p->distance.resize(n * n);
    for (size_t i = 0; i < n; ++i) {
      for (size_t j = 0; j < n; ++j) {
        p->distance[i * n + j] =
            i == j ? 0.0 : RoundedDistance(p->x[i] - p->x[j], p->y[i] - p->y[j], p->rounding);
      }
    }
  }
  RETURN_IF_ERROR(CheckMatrix(p->distance, n, "distance"));
  if (!p->duration.empty()) RETURN_IF_ERROR(CheckMatrix(p->duration, n, "duration"));
  if (p->max_vehicles > 0) {
    double total = 0;
    for (double q : p->demand) total += q;
    if (total > p->capacity * p->max_vehicles * (1 + 1e-12)) {
      return InvalidArgumentError("vehicles: total demand " + Num(total) + " exceeds " +
                                  std::to_string(p->max_vehicles) + " vehicles x capacity " +
                                  Num(p->capacity));
    }
  }
  if (p->has_time_windows()) {
    for (size_t i = 0; i < n; ++i) {
      if (p->ready[i] > p->due[i]) {
        return InvalidArgumentError("time window of node " + std::to_string(i) + ": ready " +
                                    Num(p->ready[i]) + " is after due " + Num(p->due[i]));
      }
    }
    // A customer is reachable only if a vehicle leaving the depot when it
    // opens arrives by the due time and is back before the depot closes.
    const int depot = 0;
    for (size_t i = 1; i < n; ++i) {
      const int c = static_cast<int>(i);
      const double arrive = std::max(p->ready[0] + p->time(depot, c), p->ready[i]);
      if (arrive > p->due[i] + 1e-9) {
        return InvalidArgumentError("time window of customer " + std::to_string(i) +
                                    " cannot be met: the earliest arrival from the depot is " +
                                    Num(arrive) + ", after its due time " + Num(p->due[i]));
      }
      const double back = arrive + p->service_time(c) + p->time(c, depot);
      if (back > p->due[0] + 1e-9) {
        return InvalidArgumentError("time window of customer " + std::to_string(i) +
                                    " cannot be met: serving it returns to the depot at " +
                                    Num(back) + ", after the depot closes at " + Num(p->due[0]));
      }
    }
  }
  return Status::Ok();
}

}  // namespace strato::routing
