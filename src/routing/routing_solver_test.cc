// The solver as a caller sees it: reproducible, anytime, cancellable,
// multi-threaded, and strict about its options.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>

#include "strato/routing/solver.h"
#include "test_instances.h"

namespace strato::routing {
namespace {

SolverOptions ByIterations(int64_t iterations, uint64_t seed = 1) {
  SolverOptions o;
  o.seed = seed;
  o.time_limit_s = 0;
  o.max_iterations = iterations;
  return o;
}

TEST(Solver, SameSeedSameSolution) {
  const Problem p = testing::RandomProblem(40, 7, /*windows=*/true, /*capacity=*/20);
  auto a = Solve(p, ByIterations(200, 3));
  auto b = Solve(p, ByIterations(200, 3));
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE(a->feasible);
  EXPECT_EQ(a->best.routes, b->best.routes);
  EXPECT_EQ(a->cost, b->cost);
}

TEST(Solver, ReportsEachImprovementAndEndsWithTheBest) {
  const Problem p = testing::RandomProblem(50, 11, /*windows=*/false, /*capacity=*/25);
  std::vector<double> seen;
  SolverOptions o = ByIterations(300);
  o.on_improvement = [&](const Improvement& imp, const Solution& s) {
    auto check = CheckSolution(p, s);
    ASSERT_TRUE(check.ok()) << check.status().ToString();
    EXPECT_NEAR(check->cost, imp.cost, 1e-6);
    seen.push_back(imp.cost);
  };
  auto r = Solve(p, o);
  ASSERT_TRUE(r.ok());
  ASSERT_FALSE(seen.empty());
  for (size_t i = 1; i < seen.size(); ++i) EXPECT_LT(seen[i], seen[i - 1]);
  EXPECT_NEAR(seen.back(), r->cost, 1e-6);
  EXPECT_EQ(r->history.size(), seen.size());
}

TEST(Solver, CancelStopsWithTheBestSoFar) {
  const Problem p = testing::RandomProblem(120, 5, /*windows=*/false, /*capacity=*/30);
  std::atomic<bool> cancel{false};
  SolverOptions o;
  o.time_limit_s = 600;  // far beyond the test: only the cancel ends it
  o.cancel = &cancel;
  o.on_improvement = [&](const Improvement&, const Solution&) { cancel = true; };
  const auto start = std::chrono::steady_clock::now();
  auto r = Solve(p, o);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->cancelled);
  EXPECT_TRUE(r->feasible);
  EXPECT_LT(seconds, 60);
}

TEST(Solver, TimeLimitIsRespected) {
  const Problem p = testing::RandomProblem(80, 9, /*windows=*/true, /*capacity=*/30);
  SolverOptions o;
  o.time_limit_s = 0.5;
  auto r = Solve(p, o);
  ASSERT_TRUE(r.ok());
  EXPECT_LT(r->seconds, 30);  // generous: the machine may be busy
  // Whatever it found in time passed the checker (Solve checks before returning).
  if (r->feasible) {
    EXPECT_GT(r->cost, 0);
  }
}

TEST(Solver, TwoThreadsSolve) {
  const Problem p = testing::RandomProblem(40, 2, /*windows=*/false, /*capacity=*/20);
  SolverOptions o = ByIterations(100);
  o.threads = 2;
  auto r = Solve(p, o);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->feasible);
  EXPECT_GE(r->iterations, 200);
}

TEST(Solver, FleetLimitHolds) {
  const Problem p = testing::RandomProblem(30, 4, /*windows=*/false, /*capacity=*/30, 4);
  auto r = Solve(p, ByIterations(200));
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->feasible);
  EXPECT_LE(r->vehicles, 4);
}

TEST(Solver, BadOptionsAreRejected) {
  const Problem p = testing::RandomProblem(5, 1, false);
  SolverOptions o;
  o.threads = 0;
  EXPECT_EQ(Solve(p, o).status().code(), StatusCode::kInvalidArgument);
  o = SolverOptions{};
  o.time_limit_s = 0;
  EXPECT_EQ(Solve(p, o).status().code(), StatusCode::kInvalidArgument);
  Problem raw;
  raw.demand = {0, 1};
  EXPECT_EQ(Solve(raw, SolverOptions{}).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace strato::routing
