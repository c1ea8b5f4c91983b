// Route segment data for O(1) evaluation of concatenated routes.
//
// For a sequence of visits, Vidal et al. (2013) keep its duration (travel,
// service and unavoidable waiting), its time warp (how much time must be
// "given back" to meet every due time), and the earliest/latest start that
// achieve them. Two segments concatenate in O(1), so the cost of a route
// rebuilt from a prefix, a moved block and a suffix is known without walking
// it. Without time windows only distance and load matter.
#pragma once

#include <algorithm>

#include "strato/routing/problem.h"

namespace strato::routing::internal {

struct Segment {
  double distance = 0;
  double load = 0;
  double duration = 0;
  double time_warp = 0;
  double earliest = 0;
  double latest = 0;
  int first = 0;
  int last = 0;
};

// Penalty weights of the current search phase.
struct Penalties {
  double load = 1;
  double time_warp = 1;
};

inline Segment NodeSegment(const Problem& p, int node) {
  Segment s;
  s.load = p.demand[node];
  s.first = s.last = node;
  if (p.has_time_windows()) {
    s.duration = p.service_time(node);
    s.earliest = p.ready[node];
    s.latest = p.due[node];
  }
  return s;
}

// a followed by b. `tw` = the problem has time windows (hoisted by callers).
inline Segment Join(const Problem& p, bool tw, const Segment& a, const Segment& b) {
  Segment r;
  r.distance = a.distance + p.dist(a.last, b.first) + b.distance;
  r.load = a.load + b.load;
  r.first = a.first;
  r.last = b.last;
  if (tw) {
    const double travel = p.time(a.last, b.first);
    const double delta = a.duration - a.time_warp + travel;
    const double wait = std::max(b.earliest - delta - a.latest, 0.0);
    const double warp = std::max(a.earliest + delta - b.latest, 0.0);
    r.duration = a.duration + b.duration + travel + wait;
    r.time_warp = a.time_warp + b.time_warp + warp;
    r.earliest = std::max(b.earliest - delta, a.earliest) - wait;
    r.latest = std::min(b.latest - delta, a.latest) + warp;
  }
  return r;
}

// Penalised cost of a complete route (a segment from depot to depot).
inline double PenalisedCost(const Problem& p, const Penalties& w, const Segment& s) {
  return s.distance + w.load * std::max(s.load - p.capacity, 0.0) + w.time_warp * s.time_warp;
}

}  // namespace strato::routing::internal
