// The vehicle routing problem strato's route planner solves: a single depot
// (node 0), customers 1..n-1 with demands, optional service times and time
// windows, one vehicle capacity and an optional fleet limit. Travel costs come
// from planar coordinates (rounded as the benchmark defines) or from a full
// matrix given by the user (e.g. produced by a road router).
//
// A Problem is plain data; Finalize() validates it and builds the matrices
// the solver and the checker read. Thread-safety: a finalized Problem is
// immutable and may be shared by any number of solver threads.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "strato/core/status.h"

namespace strato::routing {

// How a Euclidean distance between coordinates becomes a matrix entry.
enum class Rounding {
  kNone,               // full double precision
  kNearestInt,         // TSPLIB EUC_2D: nint(d) (CVRPLIB X instances)
  kTruncateOneDecimal  // floor(10 d) / 10 (Solomon distance-minimising BKS)
};

struct Problem {
  std::string name;
  // Node data, all of size num_nodes(); index 0 is the depot.
  std::vector<double> x, y;        // empty when a matrix is given
  std::vector<double> demand;      // depot demand must be 0
  std::vector<double> service;     // empty = no service times
  std::vector<double> ready, due;  // empty = no time windows; due[0] = horizon
  double capacity = 0;
  int max_vehicles = 0;  // 0 = unlimited fleet
  Rounding rounding = Rounding::kNone;

  // Row-major num_nodes() x num_nodes(). Either given by the user (then x/y
  // may be empty) or built from coordinates by Finalize().
  std::vector<double> distance;
  // Travel times; empty = same as distance.
  std::vector<double> duration;

  int num_nodes() const { return static_cast<int>(demand.size()); }
  int num_customers() const { return num_nodes() - 1; }
  bool has_time_windows() const { return !ready.empty(); }
  bool has_coordinates() const { return !x.empty(); }

  double dist(int i, int j) const { return distance[static_cast<size_t>(i) * demand.size() + j]; }
  double time(int i, int j) const {
    const auto k = static_cast<size_t>(i) * demand.size() + j;
    return duration.empty() ? distance[k] : duration[k];
  }
  double service_time(int i) const { return service.empty() ? 0.0 : service[i]; }
};

// The matrices are dense (n^2 doubles): 5001 nodes take 200 MB each.
inline constexpr int kMaxNodes = 5001;

// Validates `problem` and fills its matrix from coordinates when none was
// given. Errors name the field and the node: empty problem, sizes that do not
// match, NaN/infinite values, negative demand, demand above capacity, a
// matrix of the wrong size, a time window that is empty or cannot be met even
// by a vehicle serving only that customer.
Status Finalize(Problem* problem);

// Euclidean distance between two points, rounded as `rounding` says.
double RoundedDistance(double dx, double dy, Rounding rounding);

}  // namespace strato::routing
