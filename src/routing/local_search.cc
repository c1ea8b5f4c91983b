#include "local_search.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace strato::routing::internal {
namespace {

constexpr double kImprovement = 1e-7;

int PositiveMod(int i) { return ((i % 65536) + 65536) % 65536; }

}  // namespace

LocalSearch::LocalSearch(const Problem& p, std::vector<std::vector<int>> neighbours, int slots)
    : p_(p),
      tw_(p.has_time_windows()),
      swap_star_(!p.has_time_windows() && p.has_coordinates()),
      neighbours_(std::move(neighbours)),
      slots_(slots) {
  const int n = p.num_nodes();
  route_of_.assign(n, -1);
  pos_of_.assign(n, 0);
  tested_at_.assign(n, 0);
  polar_.assign(n, 0);
  if (p.has_coordinates()) {
    for (int i = 1; i < n; ++i) {
      const double a = std::atan2(p.y[i] - p.y[0], p.x[i] - p.x[0]);
      polar_[i] = PositiveMod(static_cast<int>(32768.0 * a / std::numbers::pi));
    }
  }
  for (int i = 1; i < n; ++i) order_.push_back(i);
}

void LocalSearch::Rebuild(int r) {
  Route& route = routes_[r];
  const auto& nodes = route.nodes;
  const size_t len = nodes.size();
  route.prefix.resize(len);
  route.suffix.resize(len);
  route.cum_distance.resize(len);
  route.cum_reverse.resize(len);
  route.cum_load.resize(len);
  route.prefix[0] = NodeSegment(p_, 0);
  route.cum_distance[0] = route.cum_reverse[0] = route.cum_load[0] = 0;
  for (size_t i = 1; i < len; ++i) {
    route.prefix[i] = Join(p_, tw_, route.prefix[i - 1], NodeSegment(p_, nodes[i]));
    route.cum_distance[i] = route.cum_distance[i - 1] + p_.dist(nodes[i - 1], nodes[i]);
    route.cum_reverse[i] = route.cum_reverse[i - 1] + p_.dist(nodes[i], nodes[i - 1]);
    route.cum_load[i] = route.cum_load[i - 1] + p_.demand[nodes[i]];
  }
  route.stops.resize(len);
  for (size_t i = 0; i < len; ++i) {
    route.stops[i] = Stop{route.cum_distance[i], route.cum_reverse[i], route.cum_load[i], nodes[i]};
  }
  route.suffix[len - 1] = NodeSegment(p_, 0);
  for (size_t i = len - 1; i-- > 0;) {
    route.suffix[i] = Join(p_, tw_, NodeSegment(p_, nodes[i]), route.suffix[i + 1]);
  }
  route.cost = PenalisedCost(p_, w_, route.prefix[len - 1]);
  route.modified = ++counter_;
  for (size_t i = 1; i + 1 < len; ++i) {
    route_of_[nodes[i]] = r;
    pos_of_[nodes[i]] = static_cast<int>(i);
  }
  if (swap_star_ && len > 2) {
    route.sector_start = route.sector_end = polar_[nodes[1]];
    for (size_t i = 2; i + 1 < len; ++i) {
      const int a = polar_[nodes[i]];
      const bool inside =
          PositiveMod(a - route.sector_start) <= PositiveMod(route.sector_end - route.sector_start);
      if (inside) continue;
      if (PositiveMod(a - route.sector_end) <= PositiveMod(route.sector_start - a)) {
        route.sector_end = a;
      } else {
        route.sector_start = a;
      }
    }
  }
}

void LocalSearch::Load(const Individual& ind) {
  const int count = std::max<int>(slots_, static_cast<int>(ind.routes.size()));
  routes_.assign(count, Route{});
  for (int r = 0; r < count; ++r) {
    auto& nodes = routes_[r].nodes;
    nodes.push_back(0);
    if (r < static_cast<int>(ind.routes.size())) {
      nodes.insert(nodes.end(), ind.routes[r].begin(), ind.routes[r].end());
    }
    nodes.push_back(0);
    Rebuild(r);
  }
}

void LocalSearch::Store(Individual* ind) const {
  ind->routes.clear();
  for (const Route& r : routes_) {
    if (!r.empty()) ind->routes.emplace_back(r.nodes.begin() + 1, r.nodes.end() - 1);
  }
}

Segment LocalSearch::PieceSegment(const Piece& piece) const {
  const Route& r = routes_[piece.route];
  if (!piece.reversed) {
    if (piece.from == 0) return r.prefix[piece.to];
    if (piece.to == r.last()) return r.suffix[piece.from];
    if (!tw_) {
      Segment s;
      s.distance = r.cum_distance[piece.to] - r.cum_distance[piece.from];
      s.load = r.cum_load[piece.to] - r.cum_load[piece.from - 1];
      s.first = r.nodes[piece.from];
      s.last = r.nodes[piece.to];
      return s;
    }
    Segment s = NodeSegment(p_, r.nodes[piece.from]);
    for (int i = piece.from + 1; i <= piece.to; ++i) {
      s = Join(p_, tw_, s, NodeSegment(p_, r.nodes[i]));
    }
    return s;
  }
  if (!tw_) {
    Segment s;
    s.distance = r.cum_reverse[piece.to] - r.cum_reverse[piece.from];
    s.load = r.cum_load[piece.to] - r.cum_load[piece.from - 1];
    s.first = r.nodes[piece.to];
    s.last = r.nodes[piece.from];
    return s;
  }
  Segment s = NodeSegment(p_, r.nodes[piece.to]);
  for (int i = piece.to - 1; i >= piece.from; --i) {
    s = Join(p_, tw_, s, NodeSegment(p_, r.nodes[i]));
  }
  return s;
}

double LocalSearch::BuildCost(const RouteBuild& b) const {
  Segment s = PieceSegment(b.pieces[0]);
  for (int k = 1; k < b.count; ++k) s = Join(p_, tw_, s, PieceSegment(b.pieces[k]));
  return PenalisedCost(p_, w_, s);
}

double LocalSearch::DistanceAndLoadCost(const RouteBuild& b) const {
  double distance = 0, load = 0;
  int last = -1;
  for (int k = 0; k < b.count; ++k) {
    const Piece& piece = b.pieces[k];
    const Stop* stops = routes_[piece.route].stops.data();
    const Stop& from = stops[piece.from];
    const Stop& to = stops[piece.to];
    load += to.cum_load - (piece.from > 0 ? stops[piece.from - 1].cum_load : 0.0);
    int first;
    if (piece.reversed) {
      distance += to.cum_reverse - from.cum_reverse;
      first = to.node;
    } else {
      distance += to.cum_distance - from.cum_distance;
      first = from.node;
    }
    if (last >= 0) distance += p_.dist(last, first);
    last = piece.reversed ? from.node : to.node;
  }
  return distance + w_.load * std::max(load - p_.capacity, 0.0);
}

bool LocalSearch::TryApply(const Move& m) {
  ++evaluations_;
  double old_cost = 0;
  for (int k = 0; k < m.routes; ++k) old_cost += routes_[m.build[k].route].cost;
  // Distance and load first, in O(1) from the cumulative arrays: without
  // time windows that is the exact cost; with them a lower bound (time warp
  // only adds), which rejects most moves before any concatenation.
  double delta = -old_cost;
  for (int k = 0; k < m.routes; ++k) delta += DistanceAndLoadCost(m.build[k]);
  if (delta > -kImprovement) return false;
  if (tw_) {
    delta = -old_cost;
    for (int k = 0; k < m.routes; ++k) delta += BuildCost(m.build[k]);
    if (delta > -kImprovement) return false;
  }
  Apply(m);
  return true;
}

void LocalSearch::Apply(const Move& m) {
  std::vector<int> built[2];
  for (int k = 0; k < m.routes; ++k) {
    const RouteBuild& b = m.build[k];
    for (int i = 0; i < b.count; ++i) {
      const Piece& piece = b.pieces[i];
      const auto& nodes = routes_[piece.route].nodes;
      if (piece.reversed) {
        for (int j = piece.to; j >= piece.from; --j) built[k].push_back(nodes[j]);
      } else {
        for (int j = piece.from; j <= piece.to; ++j) built[k].push_back(nodes[j]);
      }
    }
  }
  for (int k = 0; k < m.routes; ++k) {
    routes_[m.build[k].route].nodes = std::move(built[k]);
    Rebuild(m.build[k].route);
  }
}

bool LocalSearch::TryPair(int u, int rv, int pv) {
  const int ru = route_of_[u];
  const int pu = pos_of_[u];
  const Route& U = routes_[ru];
  const Route& V = routes_[rv];
  const int lu = U.last(), lv = V.last();
  const bool x_customer = pu + 1 < lu;
  const bool v_customer = pv > 0;
  const bool y_customer = pv + 1 < lv;
  Move m;
  if (ru != rv) {
    m.routes = 2;
    auto reset = [&] {
      m.build[0] = RouteBuild{};
      m.build[1] = RouteBuild{};
      m.build[0].route = ru;
      m.build[1].route = rv;
    };
    // Relocate u after v.
    reset();
    Add(&m.build[0], ru, 0, pu - 1);
    Add(&m.build[0], ru, pu + 1, lu);
    Add(&m.build[1], rv, 0, pv);
    Add(&m.build[1], ru, pu, pu);
    Add(&m.build[1], rv, pv + 1, lv);
    if (TryApply(m)) return true;
    if (x_customer) {
      // Relocate (u, x) and (x, u) after v.
      for (bool rev : {false, true}) {
        reset();
        Add(&m.build[0], ru, 0, pu - 1);
        Add(&m.build[0], ru, pu + 2, lu);
        Add(&m.build[1], rv, 0, pv);
        Add(&m.build[1], ru, pu, pu + 1, rev);
        Add(&m.build[1], rv, pv + 1, lv);
        if (TryApply(m)) return true;
      }
    }
    if (v_customer) {
      // Swap u and v; swap (u, x) and v; swap (u, x) and (v, y).
      const int xu_len = x_customer ? 2 : 1;
      for (int a = 1; a <= xu_len; ++a) {
        for (int b = 1; b <= (a == 2 && y_customer ? 2 : 1); ++b) {
          reset();
          Add(&m.build[0], ru, 0, pu - 1);
          Add(&m.build[0], rv, pv, pv + b - 1);
          Add(&m.build[0], ru, pu + a, lu);
          Add(&m.build[1], rv, 0, pv - 1);
          Add(&m.build[1], ru, pu, pu + a - 1);
          Add(&m.build[1], rv, pv + b, lv);
          if (TryApply(m)) return true;
        }
      }
    }
    // 2-opt*: u continues with y, v with x.
    reset();
    Add(&m.build[0], ru, 0, pu);
    Add(&m.build[0], rv, pv + 1, lv);
    Add(&m.build[1], rv, 0, pv);
    Add(&m.build[1], ru, pu + 1, lu);
    if (TryApply(m)) return true;
    return false;
  }

  // Same route. Blocks I = [i1, i2] and J = [j1, j2] (either may be empty,
  // I before J) trade places: prefix, J, middle, I, suffix.
  m.routes = 1;
  auto exchange = [&](int i1, int i2, bool rev_i, int j1, int j2, bool rev_j) {
    m.build[0] = RouteBuild{};
    m.build[0].route = ru;
    Add(&m.build[0], ru, 0, i1 - 1);
    Add(&m.build[0], ru, j1, j2, rev_j);
    Add(&m.build[0], ru, i2 + 1, j1 - 1);
    Add(&m.build[0], ru, i1, i2, rev_i);
    Add(&m.build[0], ru, j2 + 1, lu);
    return TryApply(m);
  };
  // Relocate u after v.
  if (pv < pu - 1 && exchange(pv + 1, pv, false, pu, pu, false)) return true;
  if (pv > pu && exchange(pu, pu, false, pv + 1, pv, false)) return true;
  if (x_customer) {
    for (bool rev : {false, true}) {
      if (pv < pu - 1 && exchange(pv + 1, pv, false, pu, pu + 1, rev)) return true;
      if (pv > pu + 1 && exchange(pu, pu + 1, rev, pv + 1, pv, false)) return true;
    }
  }
  if (v_customer) {
    // Swap u and v.
    if (pv != pu) {
      const int a = std::min(pu, pv), b = std::max(pu, pv);
      if (exchange(a, a, false, b, b, false)) return true;
    }
    if (x_customer) {
      // Swap (u, x) and v.
      if (pv < pu && exchange(pv, pv, false, pu, pu + 1, false)) return true;
      if (pv > pu + 1 && exchange(pu, pu + 1, false, pv, pv, false)) return true;
      // Swap (u, x) and (v, y).
      if (y_customer) {
        if (pv + 1 < pu && exchange(pv, pv + 1, false, pu, pu + 1, false)) return true;
        if (pu + 1 < pv && exchange(pu, pu + 1, false, pv, pv + 1, false)) return true;
      }
    }
  }
  // 2-opt: reverse the part between u and v so that they become adjacent.
  if (pv > pu + 1) {
    m.build[0] = RouteBuild{};
    m.build[0].route = ru;
    Add(&m.build[0], ru, 0, pu);
    Add(&m.build[0], ru, pu + 1, pv, true);
    Add(&m.build[0], ru, pv + 1, lu);
    if (TryApply(m)) return true;
  }
  if (pv < pu - 1) {
    m.build[0] = RouteBuild{};
    m.build[0].route = ru;
    Add(&m.build[0], ru, 0, pv);
    Add(&m.build[0], ru, pv + 1, pu, true);
    Add(&m.build[0], ru, pu + 1, lu);
    if (TryApply(m)) return true;
  }
  return false;
}

bool LocalSearch::TryEmptyRoute(int u) {
  for (int r = 0; r < static_cast<int>(routes_.size()); ++r) {
    if (routes_[r].empty() && r != route_of_[u]) return TryPair(u, r, 0);
  }
  return false;
}

bool LocalSearch::Overlap(const Route& a, const Route& b) const {
  return PositiveMod(b.sector_start - a.sector_start) <=
             PositiveMod(a.sector_end - a.sector_start) ||
         PositiveMod(a.sector_start - b.sector_start) <= PositiveMod(b.sector_end - b.sector_start);
}

// SWAP* (Vidal 2022, section 4): exchange u of r1 and v of r2, each inserted
// at its best position in the other route (not necessarily in place of the
// other). The three cheapest insertion positions of every node in the other
// route are precomputed, so each pair is evaluated in O(1).
bool LocalSearch::SwapStar(int r1, int r2) {
  struct Top3 {
    double cost[3];
    int after[3];  // position in the other route after which to insert
    void Reset() {
      for (int k = 0; k < 3; ++k) {
        cost[k] = std::numeric_limits<double>::infinity();
        after[k] = -1;
      }
    }
    void Offer(double c, int pos) {
      if (c >= cost[2]) return;
      int k = 2;
      while (k > 0 && c < cost[k - 1]) {
        cost[k] = cost[k - 1];
        after[k] = after[k - 1];
        --k;
      }
      cost[k] = c;
      after[k] = pos;
    }
  };
  const Route& A = routes_[r1];
  const Route& B = routes_[r2];
  auto removal = [&](const Route& r, int pos) {
    const int prev = r.nodes[pos - 1], node = r.nodes[pos], next = r.nodes[pos + 1];
    return p_.dist(prev, next) - p_.dist(prev, node) - p_.dist(node, next);
  };
  auto best_insertions = [&](const Route& from, const Route& into, std::vector<Top3>* out) {
    out->resize(from.nodes.size());
    for (int i = 1; i < from.last(); ++i) {
      const int node = from.nodes[i];
      Top3& t = (*out)[i];
      t.Reset();
      for (int k = 0; k < into.last(); ++k) {
        const int a = into.nodes[k], b = into.nodes[k + 1];
        t.Offer(p_.dist(a, node) + p_.dist(node, b) - p_.dist(a, b), k);
      }
    }
  };
  std::vector<Top3> ins_a, ins_b;  // A's nodes into B, B's nodes into A
  best_insertions(A, B, &ins_a);
  best_insertions(B, A, &ins_b);
  const double load_a = A.cum_load[A.last()], load_b = B.cum_load[B.last()];
  auto penalty = [&](double load) { return w_.load * std::max(load - p_.capacity, 0.0); };
  // Cheapest insertion of the node with table `t` into route `r` from which
  // the node at position `gone` is removed.
  auto insert_cost = [&](const Top3& t, const Route& r, int gone, int node, int* after) {
    for (int k = 0; k < 3; ++k) {
      if (t.after[k] >= 0 && t.after[k] != gone && t.after[k] + 1 != gone) {
        *after = t.after[k];
        const int prev = r.nodes[gone - 1], next = r.nodes[gone + 1];
        const double in_place = p_.dist(prev, node) + p_.dist(node, next) - p_.dist(prev, next);
        if (in_place < t.cost[k]) {
          *after = gone - 1;
          return in_place;
        }
        return t.cost[k];
      }
    }
    const int prev = r.nodes[gone - 1], next = r.nodes[gone + 1];
    *after = gone - 1;
    return p_.dist(prev, node) + p_.dist(node, next) - p_.dist(prev, next);
  };
  double best = -kImprovement;
  int best_u = -1, best_v = -1, best_u_after = -1, best_v_after = -1;
  for (int i = 1; i < A.last(); ++i) {
    const int u = A.nodes[i];
    const double rem_u = removal(A, i);
    for (int j = 1; j < B.last(); ++j) {
      ++evaluations_;
      const int v = B.nodes[j];
      const double q_shift = p_.demand[v] - p_.demand[u];
      const double delta_penalty =
          penalty(load_a + q_shift) + penalty(load_b - q_shift) - penalty(load_a) - penalty(load_b);
      const double base = delta_penalty + rem_u + removal(B, j);
      if (base >= best) continue;  // insertions cost at least 0 on a metric
      int u_after = 0, v_after = 0;
      const double total = base + insert_cost(ins_a[i], B, j, u, &u_after) +
                           insert_cost(ins_b[j], A, i, v, &v_after);
      if (total < best) {
        best = total;
        best_u = i;
        best_v = j;
        best_u_after = u_after;
        best_v_after = v_after;
      }
    }
  }
  if (best_u < 0) return false;
  // Rebuild both routes: A without u plus v after A[best_v_after], B alike.
  auto rebuild = [](const Route& r, int remove, int insert_after, int node) {
    std::vector<int> out;
    out.reserve(r.nodes.size());
    for (int k = 0; k <= r.last(); ++k) {
      if (k != remove) out.push_back(r.nodes[k]);
      if (k == insert_after) out.push_back(node);
    }
    return out;
  };
  const int u = A.nodes[best_u], v = B.nodes[best_v];
  std::vector<int> new_a = rebuild(A, best_u, best_v_after, v);
  std::vector<int> new_b = rebuild(B, best_v, best_u_after, u);
  routes_[r1].nodes = std::move(new_a);
  routes_[r2].nodes = std::move(new_b);
  Rebuild(r1);
  Rebuild(r2);
  return true;
}

void LocalSearch::Run(const Penalties& w, std::mt19937_64& rng, Individual* ind) {
  w_ = w;
  Load(*ind);
  std::shuffle(order_.begin(), order_.end(), rng);
  for (int u : order_) {
    auto& nb = neighbours_[u];
    if (nb.size() > 1 && std::uniform_int_distribution<int>(0, 9)(rng) == 0) {
      std::shuffle(nb.begin(), nb.end(), rng);
    }
  }
  std::fill(tested_at_.begin(), tested_at_.end(), 0);
  std::vector<int64_t> swap_star_tested(routes_.size(), 0);
  bool improved = true;
  for (int loop = 0; improved; ++loop) {
    improved = false;
    for (int u : order_) {
      const int64_t last_test = tested_at_[u];
      tested_at_[u] = counter_;
      for (int v : neighbours_[u]) {
        const int rv = route_of_[v];
        if (loop > 0 &&
            std::max(routes_[route_of_[u]].modified, routes_[rv].modified) <= last_test) {
          continue;
        }
        if (TryPair(u, rv, pos_of_[v])) {
          improved = true;
          continue;
        }
        if (pos_of_[v] == 1 && TryPair(u, route_of_[v], 0)) improved = true;
      }
      if (loop > 0 && TryEmptyRoute(u)) improved = true;
    }
    if (swap_star_) {
      const int count = static_cast<int>(routes_.size());
      for (int r1 = 0; r1 < count; ++r1) {
        if (routes_[r1].empty()) continue;
        const int64_t last_test = swap_star_tested[r1];
        swap_star_tested[r1] = counter_;
        for (int r2 = r1 + 1; r2 < count; ++r2) {
          if (routes_[r2].empty()) continue;
          if (loop > 0 && std::max(routes_[r1].modified, routes_[r2].modified) <= last_test) {
            continue;
          }
          if (Overlap(routes_[r1], routes_[r2]) && SwapStar(r1, r2)) improved = true;
        }
      }
    }
  }
  Store(ind);
}

}  // namespace strato::routing::internal
