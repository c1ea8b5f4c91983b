// Reading and writing benchmark files.
//
// VRPLIB (.vrp): the TSPLIB-style format of CVRPLIB with NODE_COORD_SECTION
// (EUC_2D, rounded to the nearest integer as TSPLIB defines) or
// EDGE_WEIGHT_SECTION (EXPLICIT FULL_MATRIX), DEMAND_SECTION, DEPOT_SECTION
// and the optional SERVICE_TIME_SECTION / TIME_WINDOW_SECTION and VEHICLES.
// Solomon (.txt): either the classic layout (name, VEHICLE block, CUSTOMER
// table) or the bare layout "n Q" followed by the node rows; distances are
// truncated to one decimal, the convention of the distance-minimising BKS.
// Solutions (.sol): "Route #k: c1 c2 ..." lines then "Cost X".
#pragma once

#include <string>
#include <string_view>

#include "strato/core/status.h"
#include "strato/routing/problem.h"
#include "strato/routing/solution.h"

namespace strato::routing {

StatusOr<Problem> ParseVrplib(std::string_view text);
StatusOr<Problem> ParseSolomon(std::string_view text);
// Reads a file and picks the parser: JSON (json.h) for a .json file, VRPLIB
// when it has a "DIMENSION" key, Solomon otherwise. The problem is returned finalized.
StatusOr<Problem> ReadProblemFile(const std::string& path);

struct SolutionFile {
  Solution solution;
  double cost = -1;  // -1 when the file has no Cost line
};
StatusOr<SolutionFile> ParseSolution(std::string_view text);
StatusOr<SolutionFile> ReadSolutionFile(const std::string& path);
std::string FormatSolution(const Solution& solution, double cost);

}  // namespace strato::routing
