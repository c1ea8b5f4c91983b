// Granular local search of HGS (Vidal 2022, section 3.3): for each customer u
// and each of its nearest neighbours v, the moves relocate (1 or 2 nodes,
// possibly reversed), swap (1-1, 2-1, 2-2), 2-opt within a route and 2-opt*
// between routes, then SWAP* between routes whose polar sectors overlap
// (CVRP with coordinates). First improvement, until no move improves.
//
// Moves are described as a short list of pieces of the current routes (a
// prefix, a moved block, a middle part, a suffix), evaluated in O(1) from
// prefix/suffix segment data without copying any route, and only the routes
// of an applied move are rebuilt.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "individual.h"
#include "segment.h"

namespace strato::routing::internal {

class LocalSearch {
 public:
  // `neighbours[u]` are the granular neighbours of customer u; `slots` the
  // number of routes available (the fleet limit or a generous bound).
  LocalSearch(const Problem& p, std::vector<std::vector<int>> neighbours, int slots);

  // Improves ind->routes under penalties `w`; the caller re-evaluates.
  void Run(const Penalties& w, std::mt19937_64& rng, Individual* ind);

  // Move evaluations since construction (for profiling).
  int64_t evaluations() const { return evaluations_; }

 private:
  struct Piece {
    int route, from, to;
    bool reversed;
  };
  struct RouteBuild {
    int route = 0;
    int count = 0;
    Piece pieces[5];
  };
  struct Move {
    int routes = 0;
    RouteBuild build[2];
  };
  // Per position, what the O(1) distance/load evaluation reads, kept
  // together so that one move touches one cache line per piece end.
  struct Stop {
    double cum_distance;  // along the route from the start depot
    double cum_reverse;   // the same, each arc taken backwards
    double cum_load;
    int node;
  };
  struct Route {
    std::vector<int> nodes;  // depot, customers..., depot
    std::vector<Stop> stops;
    std::vector<Segment> prefix, suffix;
    std::vector<double> cum_distance, cum_reverse, cum_load;
    double cost = 0;
    int64_t modified = 0;
    // Polar sector of the customers around the depot, for SWAP*.
    int sector_start = 0, sector_end = 0;
    int last() const { return static_cast<int>(nodes.size()) - 1; }
    bool empty() const { return nodes.size() <= 2; }
  };

  void Load(const Individual& ind);
  void Store(Individual* ind) const;
  void Rebuild(int r);
  Segment PieceSegment(const Piece& piece) const;
  double BuildCost(const RouteBuild& b) const;
  // Distance plus load penalty of the route `b` builds (no time warp).
  double DistanceAndLoadCost(const RouteBuild& b) const;
  // Evaluates `m`; applies it and returns true if it improves.
  bool TryApply(const Move& m);
  void Apply(const Move& m);
  // Tries the moves of u with the node at position pv of route rv (pv = 0:
  // the depot, i.e. insertion at the front of rv).
  bool TryPair(int u, int rv, int pv);
  bool TryEmptyRoute(int u);
  bool SwapStar(int r1, int r2);
  bool Overlap(const Route& a, const Route& b) const;

  static void Add(RouteBuild* b, int route, int from, int to, bool reversed = false) {
    if (from <= to) b->pieces[b->count++] = Piece{route, from, to, reversed};
  }

  const Problem& p_;
  const bool tw_;
  const bool swap_star_;
  std::vector<std::vector<int>> neighbours_;
  int slots_;
  Penalties w_;
  std::vector<Route> routes_;
  std::vector<int> route_of_, pos_of_;
  std::vector<int64_t> tested_at_;
  std::vector<int> order_;
  std::vector<int> polar_;  // angle of each customer, 0..65535
  int64_t counter_ = 1;
  int64_t evaluations_ = 0;
};

}  // namespace strato::routing::internal
