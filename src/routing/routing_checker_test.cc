// The checker accepts a valid solution and rejects each kind of violation
// with a message naming it.
#include <gtest/gtest.h>

#include "strato/routing/solution.h"

namespace strato::routing {
namespace {

// Depot at the origin, customers on a line at x = 1, 2, 3, 4.
Problem Line(bool windows) {
  Problem p;
  p.x = {0, 1, 2, 3, 4};
  p.y = {0, 0, 0, 0, 0};
  p.demand = {0, 2, 2, 2, 2};
  p.capacity = 5;
  p.max_vehicles = 3;
  if (windows) {
    p.service = {0, 1, 1, 1, 1};
    p.ready = {0, 0, 0, 0, 0};
    p.due = {20, 10, 10, 10, 6};
  }
  EXPECT_TRUE(Finalize(&p).ok());
  return p;
}

void ExpectRejected(const Problem& p, const Solution& s, const std::string& words) {
  auto r = CheckSolution(p, s);
  ASSERT_FALSE(r.ok()) << "expected a rejection mentioning '" << words << "'";
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find(words), std::string::npos) << r.status().message();
}

TEST(Checker, AcceptsAValidSolutionAndReportsItsSchedule) {
  const Problem p = Line(true);
  auto r = CheckSolution(p, Solution{{{1, 2}, {3, 4}}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_DOUBLE_EQ(r->cost, 4 + 8);
  EXPECT_EQ(r->vehicles, 2);
  ASSERT_EQ(r->routes.size(), 2u);
  EXPECT_DOUBLE_EQ(r->routes[0].load, 4);
  EXPECT_DOUBLE_EQ(r->routes[1].arrival[1], 3 + 1 + 1);  // at 3, serve 1, travel 1
}

TEST(Checker, RejectsEachKindOfInfeasibility) {
  const Problem p = Line(true);
  ExpectRejected(p, Solution{{{1, 2}, {3}}}, "customer 4 is not visited");
  ExpectRejected(p, Solution{{{1, 2}, {3, 4, 1}}}, "customer 1 is visited more than once");
  ExpectRejected(p, Solution{{{1, 2, 7}, {3, 4}}}, "node 7 is not a customer");
  ExpectRejected(p, Solution{{{1, 0, 2}, {3, 4}}}, "node 0 is not a customer");
  ExpectRejected(p, Solution{{{1, 2, 3}, {4}}}, "load 6 exceeds the capacity 5");
  ExpectRejected(p, Solution{{{1}, {2}, {3}, {4}}}, "more than the fleet of 3");
  // Customer 4 is due at 6; reaching it after 3 costs 3 + 1 + 1 = 5 -> fine,
  // but after 1, 2, 3 it is reached at 1+1+1+1+1+1+1 = 7.
  Problem wide = p;
  wide.capacity = 100;
  ExpectRejected(wide, Solution{{{1, 2, 3, 4}}}, "after its due time");
  Problem late = p;
  late.due[0] = 7;
  ExpectRejected(late, Solution{{{3, 4}, {1, 2}}}, "after it closes");
}

TEST(Checker, EmptyRoutesAreIgnored) {
  const Problem p = Line(false);
  auto r = CheckSolution(p, Solution{{{}, {1, 2}, {}, {3}, {4}}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->vehicles, 3);
}

}  // namespace
}  // namespace strato::routing
