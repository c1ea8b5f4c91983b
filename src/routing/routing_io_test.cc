// Readers: small inline files, every benchmark instance of both sets (with
// its best known solution checked against our distance convention), and bad
// input that must give a clear error.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "strato/routing/io.h"

namespace strato::routing {
namespace {

namespace fs = std::filesystem;

fs::path DataDir() {
  const char* src = std::getenv("STRATO_SOURCE_DIR");
  return fs::path(src ? src : ".") / ".." / "shared" / "datasets" / "routing";
}

constexpr const char* kTinyVrp =
    "NAME : tiny\r\nTYPE : CVRP\r\nDIMENSION : 4\r\nEDGE_WEIGHT_TYPE : EUC_2D\r\n"
    "CAPACITY : 10\r\nNODE_COORD_SECTION\r\n1\t0\t0\r\n2\t3\t4\r\n3\t0\t1.6\r\n4\t-3\t0\r\n"
    "DEMAND_SECTION\r\n1 0\r\n2 5\r\n3 5\r\n4 3\r\nDEPOT_SECTION\r\n1\r\n-1\r\nEOF\r\n";

TEST(Vrplib, ParsesCoordinatesDemandsAndRoundsDistances) {
  auto p = ParseVrplib(kTinyVrp);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->name, "tiny");
  EXPECT_EQ(p->num_nodes(), 4);
  EXPECT_EQ(p->capacity, 10);
  EXPECT_EQ(p->demand[1], 5);
  EXPECT_EQ(p->dist(0, 1), 5);  // 3-4-5
  EXPECT_EQ(p->dist(0, 2), 2);  // nint(1.6)
  EXPECT_FALSE(p->has_time_windows());
}

TEST(Vrplib, ParsesAnExplicitMatrixWithTimeWindows) {
  const std::string text =
      "NAME: m\nTYPE: VRPTW\nDIMENSION: 3\nEDGE_WEIGHT_TYPE: EXPLICIT\n"
      "EDGE_WEIGHT_FORMAT: FULL_MATRIX\nCAPACITY: 5\nVEHICLES: 2\nEDGE_WEIGHT_SECTION\n"
      "0 4 7\n4 0 2\n7 3 0\nDEMAND_SECTION\n1 0\n2 1\n3 1\n"
      "TIME_WINDOW_SECTION\n1 0 100\n2 0 50\n3 10 20\nSERVICE_TIME_SECTION\n1 0\n2 2\n3 2\n"
      "DEPOT_SECTION\n1\n-1\nEOF\n";
  auto p = ParseVrplib(text);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->dist(2, 1), 3);  // asymmetric entries kept
  EXPECT_EQ(p->max_vehicles, 2);
  EXPECT_TRUE(p->has_time_windows());
  EXPECT_EQ(p->due[2], 20);
  EXPECT_EQ(p->service_time(1), 2);
}

void ExpectError(const Status& s, const std::string& words) {
  ASSERT_FALSE(s.ok()) << "expected an error mentioning '" << words << "'";
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find(words), std::string::npos) << s.message();
}
void ExpectError(const StatusOr<Problem>& p, const std::string& words) {
  ExpectError(p.status(), words);
}

TEST(Vrplib, BadInputGetsAClearError) {
  const std::string tiny = kTinyVrp;
  auto replace = [&](const std::string& from, const std::string& to) {
    std::string s = tiny;
    s.replace(s.find(from), from.size(), to);
    return s;
  };
  ExpectError(ParseVrplib(""), "DIMENSION: missing");
  ExpectError(ParseVrplib(replace("CAPACITY : 10", "CAPACITY : 4")),
              "exceeds the vehicle capacity");
  ExpectError(ParseVrplib(replace("2\t3\t4", "2\tnan\t4")),
              "line 8: a value is not a finite number");
  ExpectError(ParseVrplib(replace("2\t3\t4", "2\tthree\t4")), "expected numbers");
  ExpectError(ParseVrplib(replace("4 3\r\n", "")), "no demand for node 4");
  ExpectError(ParseVrplib(replace("4\t-3\t0", "9\t-3\t0")), "outside 1..DIMENSION");
  ExpectError(ParseVrplib(replace("TYPE : CVRP", "TYPE : TSP")), "TYPE TSP is not supported");
  ExpectError(ParseVrplib(replace("EUC_2D", "GEO")), "EDGE_WEIGHT_TYPE GEO");
}

TEST(Problem, FinalizeNamesTheCause) {
  Problem empty;
  ExpectError(Finalize(&empty), "no nodes");
  Problem depot_only;
  depot_only.demand = {0};
  depot_only.capacity = 1;
  ExpectError(Finalize(&depot_only), "no customers");

  Problem m;
  m.demand = {0, 1, 1};
  m.capacity = 5;
  m.distance = {0, 1, 1, 1, 0};
  ExpectError(Finalize(&m), "distance: has 5 entries, expected 3 x 3 = 9");

  Problem tw;
  tw.x = {0, 10, 0};
  tw.y = {0, 0, 1};
  tw.demand = {0, 1, 1};
  tw.capacity = 5;
  tw.ready = {0, 0, 0};
  tw.due = {100, 5, 50};  // customer 1 is 10 away but due at 5
  ExpectError(Finalize(&tw), "time window of customer 1 cannot be met");
  tw.due = {100, 50, 50};
  tw.ready = {0, 60, 0};
  ExpectError(Finalize(&tw), "ready 60 is after due 50");

  Problem nan;
  nan.x = {0, NAN};
  nan.y = {0, 0};
  nan.demand = {0, 1};
  nan.capacity = 1;
  ExpectError(Finalize(&nan), "x[1]: is not a finite number");
}

TEST(Solomon, ParsesBothLayouts) {
  const std::string bare = "2 50\r\n0 0 0 0 0 100 0\r\n1 3 4 10 0 50 5\r\n2 1 1 10 5 60 5\r\n";
  auto p = ParseSolomon(bare);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->num_nodes(), 3);
  EXPECT_EQ(p->max_vehicles, 25);
  EXPECT_DOUBLE_EQ(p->dist(0, 2), 1.4);  // floor(10 * 1.414) / 10
  const std::string classic =
      "C999\n\nVEHICLE\nNUMBER     CAPACITY\n  3         50\n\nCUSTOMER\n"
      "CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME\n\n"
      "0 0 0 0 0 100 0\n1 3 4 10 0 50 5\n";
  auto c = ParseSolomon(classic);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->name, "C999");
  EXPECT_EQ(c->max_vehicles, 3);
  ExpectError(ParseSolomon("2 50\n0 0 0 0 0 100 0\n1 3 4 10 0 50\n"), "expected 7 numbers");
  ExpectError(ParseSolomon("3 50\n0 0 0 0 0 100 0\n1 3 4 10 0 50 5\n"), "declares 3 customers");
}

TEST(Files, ReadProblemFilePicksTheParserByContentAndExtension) {
  const auto dir = std::filesystem::temp_directory_path() / "routing_io_test";
  std::filesystem::create_directories(dir);
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream((dir / name).string()) << text;
    return (dir / name).string();
  };
  auto json = ReadProblemFile(write(
      "p.json",
      R"({"capacity": 5, "depot": {"x": 0, "y": 0}, "customers": [{"x": 1, "y": 0, "demand": 2}]})"));
  ASSERT_TRUE(json.ok()) << json.status().ToString();
  EXPECT_EQ(json->name, "p");
  EXPECT_EQ(json->num_nodes(), 2);
  auto vrp = ReadProblemFile(write("t.vrp", kTinyVrp));
  ASSERT_TRUE(vrp.ok()) << vrp.status().ToString();
  EXPECT_EQ(vrp->name, "tiny");
  auto bad = ReadProblemFile(write("bad.json", R"({"capacity": 5})"));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("bad.json: customers: is required"), std::string::npos)
      << bad.status().message();
  EXPECT_EQ(ReadProblemFile((dir / "missing.vrp").string()).status().code(), StatusCode::kNotFound);
}

TEST(Solution, RoundTrips) {
  Solution s{{{1, 2}, {}, {3}}};
  const std::string text = FormatSolution(s, 12);
  EXPECT_EQ(text, "Route #1: 1 2\nRoute #2: 3\nCost 12\n");
  auto back = ParseSolution(text);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->cost, 12);
  ASSERT_EQ(back->solution.routes.size(), 2u);
  EXPECT_EQ(back->solution.routes[1], std::vector<int>{3});
  EXPECT_FALSE(ParseSolution("Route #1: 1 x\n").ok());
  EXPECT_FALSE(ParseSolution("nothing here\n").ok());
}

// Reads every instance of a set, checks its BKS with the checker, and
// compares the recomputed cost with the file's Cost line.
void CheckSet(const fs::path& dir, const fs::path& bks_dir, const std::string& ext,
              size_t expected) {
  size_t count = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ext) continue;
    SCOPED_TRACE(entry.path().string());
    auto p = ReadProblemFile(entry.path().string());
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    auto sol = ReadSolutionFile((bks_dir / (entry.path().stem().string() + ".sol")).string());
    ASSERT_TRUE(sol.ok()) << sol.status().ToString();
    auto report = CheckSolution(*p, sol->solution);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    EXPECT_NEAR(report->cost, sol->cost, 1e-6 * sol->cost);
    ++count;
  }
  EXPECT_EQ(count, expected);
}

TEST(Benchmarks, EveryCvrpInstanceAndItsBksRead) {
  const fs::path dir = DataDir() / "cvrp";
  if (!fs::exists(dir)) GTEST_SKIP() << "no data at " << dir << " (../shared absent)";
  CheckSet(dir, dir, ".vrp", 28);
}

TEST(Benchmarks, EverySolomonInstanceAndItsBksRead) {
  const fs::path dir = DataDir() / "solomon";
  if (!fs::exists(dir)) GTEST_SKIP() << "no data at " << dir << " (../shared absent)";
  CheckSet(dir / "instances", dir / "bks", ".txt", 56);
}

}  // namespace
}  // namespace strato::routing
