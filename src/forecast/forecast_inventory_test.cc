#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "strato/forecast/inventory.h"

namespace strato::forecast {
namespace {

TEST(Inventory, NormalQuantile) {
  EXPECT_NEAR(NormalQuantile(0.5), 0.0, 1e-9);
  EXPECT_NEAR(NormalQuantile(0.95), 1.6448536269514722, 1e-8);
  EXPECT_NEAR(NormalQuantile(0.975), 1.959963984540054, 1e-8);
  EXPECT_NEAR(NormalQuantile(0.01), -2.3263478740408408, 1e-8);
  EXPECT_NEAR(NormalQuantile(0.999), 3.090232306167813, 1e-8);
}

TEST(Inventory, EoqAndProtectionDemand) {
  EXPECT_DOUBLE_EQ(EconomicOrderQuantity(100, 50, 1), 100.0);  // sqrt(2*100*50/1)
  const DemandDistribution d{{10, 20, 30}, {1, 2, 3}};
  double mean = 0, sd = 0;
  ProtectionDemand(d, 1, 2, 1.0, 0, &mean, &sd);  // steps 1, 2
  EXPECT_DOUBLE_EQ(mean, 50);
  EXPECT_DOUBLE_EQ(sd, 5);  // sds add
  ProtectionDemand(d, 1, 2, 0.0, 0, &mean, &sd);
  EXPECT_DOUBLE_EQ(sd, std::sqrt(13.0));          // variances add
  ProtectionDemand(d, 2, 3, 0.0, 0, &mean, &sd);  // past the end: the last step repeats
  EXPECT_DOUBLE_EQ(mean, 90);
}

TEST(Inventory, SafetyStockPlan) {
  const DemandDistribution d{std::vector<double>(5, 10.0), std::vector<double>(5, 2.0)};
  PolicySettings s;
  s.lead_time = 2;
  s.review_period = 1;
  s.service_level = 0.95;
  s.error_correlation = 0;
  s.costs = {1, 50, 0};
  auto plan = PlanSafetyStock(d, s);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_DOUBLE_EQ(plan->demand_mean, 30);
  EXPECT_NEAR(plan->demand_sd, std::sqrt(12.0), 1e-12);
  EXPECT_NEAR(plan->safety_stock, 1.6448536269514722 * std::sqrt(12.0), 1e-7);
  EXPECT_NEAR(plan->reorder_point, 30 + plan->safety_stock, 1e-12);
  EXPECT_NEAR(plan->order_quantity, std::sqrt(2 * 10 * 50 / 1.0), 1e-12);
  s.service_level = 1.0;
  EXPECT_EQ(PlanSafetyStock(d, s).status().code(), StatusCode::kInvalidArgument);
}

TEST(Simulator, LostSalesBookkeepingByHand) {
  // Order up to 10 every period, arrivals L + 1 = 2 periods later.
  auto policy = MakeCoverPolicy(1.0, 10.0, 1);
  SimulationOptions o;
  o.lead_time = 1;
  o.initial_on_hand = 10;
  o.costs = {1, 10, 5};
  const std::vector<double> demand{4, 8, 4, 4};
  auto r = Simulate(*policy, demand, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  // t0: 10-4 = 6, order 4 (t2). t1: 6 vs 8: short 2, 0 left, order 6 (t3).
  // t2: +4, -4 = 0, order 4. t3: +6, -4 = 2, order 4.
  EXPECT_EQ(r->on_hand, (std::vector<double>{6, 0, 0, 2}));
  EXPECT_DOUBLE_EQ(r->short_units, 2);
  EXPECT_DOUBLE_EQ(r->fill_rate, 18.0 / 20.0);
  EXPECT_EQ(r->stockout_periods, 1u);
  EXPECT_DOUBLE_EQ(r->cycle_service_level, 0.75);
  EXPECT_EQ(r->orders, 4u);
  EXPECT_DOUBLE_EQ(r->average_on_hand, 2.0);
  EXPECT_DOUBLE_EQ(r->holding_cost, 8);
  EXPECT_DOUBLE_EQ(r->ordering_cost, 40);
  EXPECT_DOUBLE_EQ(r->stockout_cost, 10);
  EXPECT_DOUBLE_EQ(r->total_cost, r->holding_cost + r->ordering_cost + r->stockout_cost);
  for (double v : r->on_hand) EXPECT_GE(v, 0);  // lost sales never go negative
}

TEST(Simulator, BackorderBookkeepingByHand) {
  auto policy = MakeCoverPolicy(1.0, 10.0, 1);
  SimulationOptions o;
  o.lead_time = 1;
  o.backorders = true;
  o.initial_on_hand = 10;
  o.costs = {1, 10, 5};
  auto r = Simulate(*policy, std::vector<double>{4, 8, 4, 4}, o);
  ASSERT_TRUE(r.ok());
  // t1: backlog 2 (net -2), order 8 (position 4 - 2 = 2). t2: +4 clears the
  // backlog, 2 left for demand 4: backlog 2 again; order 4. t3: +8 - 2 - 4 = 2.
  EXPECT_EQ(r->on_hand, (std::vector<double>{6, -2, -2, 2}));
  EXPECT_DOUBLE_EQ(r->served_from_stock, 16);
  EXPECT_DOUBLE_EQ(r->fill_rate, 0.8);
  EXPECT_DOUBLE_EQ(r->stockout_cost, 20);
  EXPECT_DOUBLE_EQ(r->total_cost, 8 + 40 + 20);
  // Units are conserved: demand = served from stock + short.
  EXPECT_DOUBLE_EQ(r->demand, r->served_from_stock + r->short_units);
}

TEST(Simulator, OrderUpToPolicyMeetsItsServiceTarget) {
  // i.i.d. N(100, 20) demand with a correct forecast: a base-stock (R,S)
  // policy with backorders stocks out in about 5% of periods.
  std::mt19937 rng(11);
  std::normal_distribution<double> dist(100, 20);
  std::vector<double> demand(20000);
  for (double& v : demand) v = std::max(0.0, dist(rng));
  const DemandDistribution d{std::vector<double>(demand.size(), 100.0),
                             std::vector<double>(demand.size(), 20.0)};
  PolicySettings s;
  s.lead_time = 2;
  s.review_period = 1;
  s.service_level = 0.95;
  s.error_correlation = 0;
  auto policy = MakeForecastPolicy(PolicyKind::kPeriodicOrderUpTo, d, s);
  ASSERT_TRUE(policy.ok());
  SimulationOptions o;
  o.lead_time = 2;
  o.backorders = true;
  o.initial_on_hand = 300;
  auto r = Simulate(**policy, demand, o);
  ASSERT_TRUE(r.ok());
  EXPECT_NEAR(r->cycle_service_level, 0.95, 0.01);
  // (s,Q) and (s,S) run and keep positive stock on average.
  for (PolicyKind k : {PolicyKind::kReorderPointQuantity, PolicyKind::kReorderPointOrderUpTo}) {
    auto p = MakeForecastPolicy(k, d, s);
    ASSERT_TRUE(p.ok());
    auto rr = Simulate(**p, demand, o);
    ASSERT_TRUE(rr.ok());
    EXPECT_GT(rr->cycle_service_level, 0.9) << PolicyKindName(k);
    EXPECT_GT(rr->average_on_hand, 0) << PolicyKindName(k);
  }
}

TEST(Simulator, BadInputIsAnError) {
  auto policy = MakeCoverPolicy(1.0, 10.0, 1);
  SimulationOptions o;
  EXPECT_EQ(Simulate(*policy, std::vector<double>{1, -1}, o).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Simulate(*policy, std::vector<double>{1, NAN}, o).status().code(),
            StatusCode::kInvalidArgument);
  o.lead_time = -1;
  EXPECT_EQ(Simulate(*policy, std::vector<double>{1}, o).status().code(),
            StatusCode::kInvalidArgument);
  const DemandDistribution bad{{1, 2}, {1}};
  EXPECT_EQ(
      MakeForecastPolicy(PolicyKind::kPeriodicOrderUpTo, bad, PolicySettings{}).status().code(),
      StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace strato::forecast
